"""How we reach the person: by text or email as they prefer, falling back to whichever we have, through
the message gateway (GOV.UK Notify, or the messages folder without a Notify key)."""

from payback.cases.models import Person
from payback.notifications.gateway import Sent, message_gateway

from .models import Channel, ContactPreference


def preferred_channel(person: Person) -> str:
    """The channel the person chose; without a choice, text when we have a phone number."""
    chosen = ContactPreference.objects.filter(person=person).values_list("channel", flat=True).first()
    if chosen:
        return str(chosen)
    return Channel.TEXT if person.phone else Channel.EMAIL


def contact_for(person: Person) -> tuple[str, str]:
    """(channel, address) to reach the person: their preference where we have that detail, otherwise
    the other; ("", "") when we have neither."""
    reachable: dict[str, str] = {Channel.TEXT: person.phone.strip(), Channel.EMAIL: person.email.strip()}
    first = preferred_channel(person)
    for channel in (first, *(c for c in reachable if c != first)):
        if reachable.get(channel):
            return str(channel), reachable[channel]
    return "", ""


def gateway_send(*, channel: str, to: str, subject: str, body: str, reference: str) -> Sent:
    gateway = message_gateway()
    if channel == Channel.EMAIL:
        return gateway.send_email(to=to, subject=subject, body=body, reference=reference)
    return gateway.send_text(to=to, body=body, reference=reference)
