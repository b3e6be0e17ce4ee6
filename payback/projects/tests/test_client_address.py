"""Behind the service's proxy, the public form's rate limit and the audit trail go by the client's
address (from X-Forwarded-For, through the trusted proxies), not the proxy's."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from payback.core.models import AuditEvent
from payback.projects.models import Nomination
from payback.staff.models import Pdu

from .test_pages import answer_every_page, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_empty_cache")]

PROXY = "10.0.0.2"


@pytest.fixture
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def behind_proxy(forwarded_for: str) -> Client:
    """A browser whose requests reach the application through the proxy, which appends the client's address."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def nominate_five(client: Client, pdu: Pdu, tag: str) -> None:
    for i in range(5):
        answer_every_page(client, pdu, who_benefits=f"Neighbours on {tag} street {i}")
        assert send(client).status_code == 302
        client.get("/nominate/")


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_five_nominations_from_one_client_do_not_close_the_form_for_another(pdu_a: Pdu) -> None:
    first = behind_proxy("203.0.113.9")
    nominate_five(first, pdu_a, "first")
    answer_every_page(first, pdu_a, who_benefits="One too many")
    assert send(first).status_code == 429

    other = behind_proxy("198.51.100.7")
    answer_every_page(other, pdu_a, who_benefits="Someone else entirely")
    assert send(other).status_code == 302
    assert Nomination.objects.count() == 6


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_for_entry_does_not_dodge_the_limit(pdu_a: Pdu) -> None:
    nominate_five(behind_proxy("203.0.113.9"), pdu_a, "first")
    # The same client now writes its own X-Forwarded-For; the proxy appends the real address after it.
    forged = behind_proxy("192.0.2.55, 203.0.113.9")
    answer_every_page(forged, pdu_a, who_benefits="Pretending to be elsewhere")
    assert send(forged).status_code == 429
    assert Nomination.objects.count() == 5


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_audit_trail_records_the_client_address_not_the_proxy(pdu_a: Pdu) -> None:
    client = behind_proxy("192.0.2.55, 203.0.113.9")
    answer_every_page(client, pdu_a)
    assert send(client).status_code == 302
    event = AuditEvent.objects.get(action="nomination.submitted")
    assert event.ip_address == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_header_is_ignored(pdu_a: Pdu) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.55")
    answer_every_page(client, pdu_a)
    assert send(client).status_code == 302
    assert AuditEvent.objects.get(action="nomination.submitted").ip_address == "203.0.113.9"
