"""Reads of notifications (each member of staff sees only their own) and of who is to be told: the
staff of a PDU or region in a role or holding a permission, and the duty senior probation officer."""

from collections.abc import Iterable
from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.selectors import in_area

from .models import DutySenior, Notification

HOME_LIMIT = 10


def notifications_of(user: User) -> QuerySet[Notification]:
    """The member of staff's own notifications, newest first."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def for_home(user: User, limit: int = HOME_LIMIT) -> list[Notification]:
    """What the home page shows: unread first, urgent first, newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ordered = notifications_of(user).annotate(unread=unread).order_by("-unread", "-urgent", "-created_at", "-id")
    return list(ordered[:limit])


def unread_count(user: User) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def own_notifications(user: User, ids: Iterable[int]) -> QuerySet[Notification]:
    """The member of staff's notifications with these ids: any id that is not one of theirs is "No such
    notification" (404), whether or not it is someone else's."""
    wanted = set(ids)
    found = notifications_of(user).filter(pk__in=wanted)
    if found.count() != len(wanted):
        raise Http404("No such notification")
    return found


# ---------------------------------------------------------------------------------------------
# Who is told


def _holding(permission: str) -> Q:
    app_label, codename = permission.split(".")
    return Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)


def _active(where: Q, *, role: str | None, permission: str | None) -> QuerySet[User]:
    if role is not None:
        where &= Q(groups__name=role)
    if permission is not None:
        where &= _holding(permission)
    return User.objects.filter(where, is_active=True).distinct().order_by("last_name", "first_name", "id")


def staff_of_pdu(pdu: Pdu, *, role: str | None = None, permission: str | None = None) -> QuerySet[User]:
    """Active staff working in the PDU, or covering its whole region, in a role or holding a permission."""
    return _active(Q(pdu_id=pdu.pk) | Q(pdu__isnull=True, region_id=pdu.region_id), role=role, permission=permission)


def staff_of_region(region_id: int, *, role: str | None = None, permission: str | None = None) -> QuerySet[User]:
    """Active staff working anywhere in the region (in one of its PDUs or across it), in a role or
    holding a permission."""
    return _active(Q(region_id=region_id), role=role, permission=permission)


def duty_seniors(pdu: Pdu, day: date) -> list[User]:
    """Who is told of an urgent concern about a case of the PDU on the day: the duty senior
    probation officer set for the day, or, when none is, every senior probation officer of the PDU."""
    duty = DutySenior.objects.filter(pdu=pdu, on=day, user__is_active=True).select_related("user").first()
    if duty is not None:
        return [duty.user]
    return list(staff_of_pdu(pdu, role=SENIOR_PROBATION_OFFICER))


def duty_rota(user: User, *, start: date) -> QuerySet[DutySenior]:
    """The duty seniors set for the PDUs of the user's area from `start`, soonest first."""
    return (
        in_area(DutySenior, user)
        .filter(on__gte=start)
        .select_related("pdu", "user", "set_by")
        .order_by("on", "pdu__name", "id")
    )
