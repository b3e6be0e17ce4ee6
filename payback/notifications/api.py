"""The notifications API: the caller's own notifications, and marking them read. Anyone signed in
may call it; nobody sees anyone else's notifications (another's id is not found)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router

from payback.core.api_common import paginate
from payback.core.api_ops import Operations
from payback.staff.models import User

from . import selectors, services
from .api_schemas import NotFoundOut, NotificationOut, NotificationPage, NotificationsQuery, ReadIn, ReadOut
from .models import Notification

router = Router(tags=["notifications"])
operations = Operations(router)


def _caller(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, get_user_model()):
        raise PermissionDenied("Sign in to see your notifications")
    return user  # type: ignore[return-value]


def _shape(notification: Notification) -> NotificationOut:
    return NotificationOut.from_orm(notification)


@operations.get("/notifications", NotificationPage, "listNotifications", "List your notifications")
def list_notifications(request: HttpRequest, query: Query[NotificationsQuery]) -> NotificationPage:
    """Your own notifications, newest first (`unread=true`: only those not yet read), with how many
    of them all are unread."""
    user = _caller(request)
    found = selectors.notifications_of(user)
    if query.unread:
        found = found.filter(read_at__isnull=True)
    count, records = paginate(found, query)
    return NotificationPage(
        count=count,
        page=query.page,
        page_size=query.page_size,
        unread=selectors.unread_count(user),
        items=[_shape(notification) for notification in records],
    )


@operations.post(
    "/notifications/read", {200: ReadOut, 404: NotFoundOut}, "markNotificationsRead", "Mark notifications as read"
)
def mark_notifications_read(request: HttpRequest, body: ReadIn) -> ReadOut:
    """Mark some of your own notifications as read. An id that is not one of yours is 404 and
    nothing is marked; marking one already read again changes nothing."""
    user = _caller(request)
    with transaction.atomic():
        selectors.own_notifications(user, body.ids)
        marked = services.mark_read(user, body.ids)
    return ReadOut(marked=marked, unread=selectors.unread_count(user))
