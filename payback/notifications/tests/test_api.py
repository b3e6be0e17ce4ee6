"""GET /api/v1/notifications and POST /api/v1/notifications/read: the caller's own, nobody else's."""

import pytest

from payback.api.tests.client import ApiClient, token_for
from payback.notifications import selectors, services
from payback.notifications.models import Category, Notification
from payback.staff.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def tell(user: User, key: str, *, urgent: bool = False) -> Notification:
    [notification] = services.notify(
        [user], category=Category.RISK_CONCERN, key=key, subject=f"Concern {key}", body="Body", urgent=urgent
    )
    return notification


def test_the_list_is_the_callers_own_newest_first(senior: User, other_senior: User) -> None:
    first = tell(senior, "a", urgent=True)
    second = tell(senior, "b")
    tell(other_senior, "c")
    services.mark_read(senior, [second.pk])
    answer = ApiClient(token_for(senior)).get("/notifications")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["count"], body["unread"]) == (2, 1)
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    assert body["items"][1] | {"created_at": None} == {
        "id": first.pk,
        "category": "risk_concern",
        "urgent": True,
        "subject": "Concern a",
        "body": "Body",
        "link": "",
        "created_at": None,
        "read_at": None,
    }
    unread = ApiClient(token_for(senior)).get("/notifications", unread="true").json()
    assert [item["id"] for item in unread["items"]] == [first.pk]


def test_marking_read_takes_only_ones_own(senior: User, other_senior: User) -> None:
    mine = tell(senior, "a")
    theirs = tell(other_senior, "b")
    client = ApiClient(token_for(senior))
    refused = client.post("/notifications/read", {"ids": [mine.pk, theirs.pk]})
    assert refused.status_code == 404 and set(refused.json()) == {"detail"}
    assert selectors.unread_count(senior) == 1  # nothing was marked
    answer = client.post("/notifications/read", {"ids": [mine.pk]})
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 0}
    assert client.post("/notifications/read", {"ids": [mine.pk]}).json() == {"marked": 0, "unread": 0}
    assert client.post("/notifications/read", {"ids": []}).status_code == 422
    assert selectors.unread_count(other_senior) == 1


def test_signed_out_is_401(db: object) -> None:
    assert ApiClient(None).get("/notifications").status_code == 401
