"""Schemas of the notifications API."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt

from payback.core.api_common import InputSchema, Page, PageQuery

from .models import Category


class NotificationsQuery(PageQuery):
    unread: bool = Field(False, description="true: only the notifications not yet read")


class NotificationOut(Schema):
    id: int
    category: Category
    urgent: bool = Field(description="A risk of self-harm or of harm to others: act at once")
    subject: str
    body: str
    link: str = Field(description="Where to act on it in the service (a path), or empty")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Page):
    count: int = Field(description="Your notifications matching the filter, across all pages")
    unread: int = Field(description="How many of all your notifications are not yet read")
    items: list[NotificationOut]


class ReadIn(InputSchema):
    ids: list[StrictInt] = Field(
        min_length=1, max_length=500, description="Ids of your own notifications to mark as read"
    )


class ReadOut(Schema):
    marked: int = Field(description="How many of them were unread and are now read")
    unread: int = Field(description="How many of all your notifications are still not read")


class NotFoundOut(Schema):
    detail: str = Field(description="An id that is not one of your notifications: nothing was marked")
