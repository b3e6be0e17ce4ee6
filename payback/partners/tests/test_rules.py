"""The pure rules of the service for beneficiaries' contacts (no database)."""

from payback.partners import rules


def test_an_email_address_is_trimmed_and_in_small_letters() -> None:
    assert rules.normalise_email("  Alex@Shop.EXAMPLE ") == "alex@shop.example"


def test_the_shape_of_an_email_address_is_checked_not_whether_it_exists() -> None:
    assert rules.email_problem("alex@shop.example") is None
    assert rules.email_problem("") == "Enter your email address"
    assert rules.email_problem("", whose="their") == "Enter their email address"
    for wrong in ("alex", "alex@shop", "alex @shop.example", "a@b@c.example", "x" * 250 + "@a.example"):
        assert rules.email_problem(wrong) == "Enter your email address in the right format, like name@example.org"


def test_a_concern_names_a_person_and_an_incident_says_when() -> None:
    assert rules.report_problems(kind="concern", details="Low", has_person=True, has_time=False) == {}
    assert rules.report_problems(kind="incident", details="A fall", has_person=False, has_time=True) == {}
    assert rules.report_problems(kind="concern", details=" ", has_person=False, has_time=False) == {
        "details": "Tell us what happened",
        "person": "Select who the concern is about",
    }
    assert rules.report_problems(kind="incident", details="x" * 4001, has_person=False, has_time=False) == {
        "details": "Keep what happened to 4,000 characters or fewer",
        "occurred_at": "Enter when it happened",
    }
    assert rules.report_problems(kind="gossip", details="x", has_person=True, has_time=True) == {
        "kind": "Select whether this is a concern about a person or an incident"
    }


def test_a_contact_is_told_only_what_they_need_to_know_on_site() -> None:
    known = rules.what_to_know(
        adjustments=["Needs a seat", " ", "Short written instructions"],
        prayer_times="Friday 1pm",
        interpreter="Interpreter needed (Polish)",
        flags=["Not to work near children"],
    )
    assert known == [
        "Needs a seat",
        "Short written instructions",
        "Prayer times: Friday 1pm",
        "Interpreter needed (Polish)",
        "Not to work near children",
    ]
    assert rules.what_to_know(adjustments=[], prayer_times="", interpreter="", flags=[]) == []
