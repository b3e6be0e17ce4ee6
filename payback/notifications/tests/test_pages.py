"""The notifications pages: each member of staff sees and marks only their own (anyone else's is
not found), the home page's panel, and the duty senior form naming the field."""

import re
from datetime import date
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from payback.notifications import selectors, services
from payback.notifications.models import Category, DutySenior, Notification
from payback.staff.models import Pdu, User

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def tell(user: User, key: str, subject: str, *, urgent: bool = False) -> Notification:
    [notification] = services.notify(
        [user],
        category=Category.INCIDENT,
        key=key,
        subject=subject,
        body="Body",
        link="/sessions/incidents/",
        urgent=urgent,
    )
    return notification


def test_the_list_shows_only_ones_own_with_urgent_ones_tagged(senior: User, other_senior: User) -> None:
    tell(senior, "a", "Incident reported at Towpath clearance", urgent=True)
    tell(other_senior, "b", "Incident reported at Canal basin")
    page = text_of(client_for(senior).get("/notifications/"))
    assert "Incident reported at Towpath clearance" in page
    assert '<strong class="govuk-tag govuk-tag--red">Urgent</strong>' in page
    assert "Canal basin" not in page
    assert "Mark all 1 as read" in page


def test_marking_one_read_and_anothers_is_not_found(senior: User, other_senior: User) -> None:
    mine = tell(senior, "a", "Mine")
    theirs = tell(other_senior, "b", "Theirs")
    client = client_for(senior)
    assert client.get("/notifications/read/").status_code == 405
    assert client.post("/notifications/read/", {"notification": theirs.pk}).status_code == 404
    assert client.post("/notifications/read/", {"notification": "x"}).status_code == 400
    response = client.post("/notifications/read/", {"notification": mine.pk})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_marking_read_needs_the_csrf_token(senior: User) -> None:
    mine = tell(senior, "a", "Mine")
    client = Client(enforce_csrf_checks=True)
    client.force_login(senior)
    assert client.post("/notifications/read/", {"notification": mine.pk}).status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403
    assert selectors.unread_count(senior) == 1


def test_marking_all_read(senior: User, other_senior: User) -> None:
    tell(senior, "a", "One")
    tell(senior, "b", "Two")
    tell(other_senior, "c", "Theirs")
    response = client_for(senior).post("/notifications/read-all/", follow=True)
    assert "2 notifications marked as read" in text_of(response)
    assert (selectors.unread_count(senior), selectors.unread_count(other_senior)) == (0, 1)


def test_the_home_page_panel_lists_each_notification_as_a_link(senior: User) -> None:
    tell(senior, "a", "Incident reported at Towpath clearance", urgent=True)
    html = render_to_string("notifications/_for_home.html", {"notifications": selectors.for_home(senior)})
    assert '<h2 class="govuk-heading-m" id="notifications-heading">Notifications</h2>' in html
    assert '<a class="govuk-link" href="/sessions/incidents/">Incident reported at Towpath clearance</a>' in html
    assert "govuk-tag--red" in html and 'href="/notifications/"' in html
    assert "You have no notifications." in render_to_string("notifications/_for_home.html", {"notifications": []})


def test_only_seniors_and_operations_managers_set_the_duty_senior(
    practitioner: User, senior: User, manager: User
) -> None:
    assert client_for(practitioner).get("/notifications/duty/").status_code == 403
    assert client_for(senior).get("/notifications/duty/").status_code == 200
    assert client_for(manager).get("/notifications/duty/").status_code == 200
    assert "Set the duty senior probation officer" not in text_of(client_for(practitioner).get("/notifications/"))
    assert "Set the duty senior probation officer" in text_of(client_for(senior).get("/notifications/"))


def test_the_duty_senior_form_names_the_field_then_saves(
    senior: User, other_senior: User, senior_next_door: User, pdu_a: Pdu
) -> None:
    client = client_for(senior)
    response = client.post("/notifications/duty/", {"pdu": pdu_a.pk})
    page = text_of(response)
    assert response.status_code == 200
    assert "Select the senior probation officer" in page and "Enter the date" in page
    assert 'href="#id_user"' in page and 'href="#id_on-day"' in page
    past = {"on_0": "17", "on_1": "11", "on_2": "2026", "pdu": pdu_a.pk, "user": other_senior.pk}
    assert "The date must be today or in the future" in text_of(client.post("/notifications/duty/", past))
    elsewhere = {**past, "on_0": "20", "user": senior_next_door.pk}  # a senior of another PDU
    assert "Select a senior probation officer from the list" in text_of(client.post("/notifications/duty/", elsewhere))
    assert not DutySenior.objects.exists()
    response = client.post("/notifications/duty/", {**past, "on_0": "20"}, follow=True)
    page = text_of(response)
    assert f"Simon Tester is the duty senior for {pdu_a.name} on 20 November 2026" in page
    assert "Friday 20 November 2026" in page
    assert selectors.duty_seniors(pdu_a, date(2026, 11, 20)) == [other_senior]
