"""Pieces every router of the API shares: strict input, text fields, pages of results, the names of
staff, short references to records, and the shaping of a record into the schema that shows it.

The routers live in the apps (``payback/<app>/api*.py``) and are assembled in ``payback/api/api.py``."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

# PostgreSQL cannot store NUL in text, and no person types one.
NO_NUL = r"^[^\x00]*$"
MAX_PAGE = 10_000
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
M = TypeVar("M", bound=Model)
P = TypeVar("P", bound="Page")
S = TypeVar("S", bound=Schema)
T = TypeVar("T")


class InputSchema(Schema):
    """A request body: a field the document does not declare is refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")


def text(max_length: int, description: str = "", *, required: bool = False) -> Any:
    """A text field of a request body: at most `max_length` characters, empty when left out unless required."""
    if required:
        return Field(min_length=1, max_length=max_length, pattern=NO_NUL, description=description)
    return Field("", max_length=max_length, pattern=NO_NUL, description=description)


def idempotency_key_field(description: str, example: str) -> Any:
    """The optional `idempotency_key` of a body whose request may be repeated safely."""
    return Field(None, min_length=1, max_length=100, pattern=NO_NUL, description=description, examples=[example])


def _in_service_years(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Give a time between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


# A moment someone reports (an incident, an induction): one without an offset is UK time.
ServiceDateTime = Annotated[datetime, AfterValidator(_in_service_years)]


def name_of(user: "AbstractUser | None") -> str | None:
    """The name of a member of staff as the API shows it: their full name, else their username."""
    return (user.get_full_name() or user.username) if user else None


def _staff_name(value: Any) -> Any:
    return name_of(value) if hasattr(value, "get_full_name") else value


def _none_if_blank(value: Any) -> Any:
    return value or None


# A member of staff recorded on a record, shown by name (null when nobody is recorded).
StaffName = Annotated[str | None, BeforeValidator(_staff_name)]
# The same where the answer is always text: empty when nobody is recorded.
StaffNameOrEmpty = Annotated[str, BeforeValidator(lambda value: _staff_name(value) or "")]
# A choice kept blank until it is made, shown as null until then.
OptionalChoice = Annotated[T | None, BeforeValidator(_none_if_blank)]


class _RecordWith:
    """A record, with some of its values given instead: those the API shows differently from how they are kept."""

    def __init__(self, record: Any, given: dict[str, Any]) -> None:
        self._record = record
        self._given = given

    def __getattr__(self, name: str) -> Any:
        if name in self._given:
            return self._given[name]
        return getattr(self._record, name)


def shaped(schema: type[S], record: Any, **given: Any) -> S:
    """The record as the API shows it: each field of the schema read from the record by its name, unless given."""
    return schema.from_orm(_RecordWith(record, given))


class Ref(Schema):
    id: int
    name: str


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    page_size: int = Field(25, ge=1, le=100, description="Items per page, at most 100")


class Page(Schema):
    # Each list's page declares the schema of its items, and describes `count` in its own words.
    count: int
    page: int
    page_size: int
    items: list[Any]


def paginate(qs: QuerySet[M], query: PageQuery) -> tuple[int, list[M]]:
    """The number of matches across all pages, and the records of the page asked for."""
    start = (query.page - 1) * query.page_size
    return qs.count(), list(qs[start : start + query.page_size])


def page_of(page: type[P], qs: QuerySet[M], query: PageQuery, shape: Callable[[M], Any]) -> P:
    """The page asked for of a list: how many match across all pages, and the records of this page shaped."""
    return page_shaped_together(page, qs, query, lambda records: [shape(r) for r in records])


def page_shaped_together(page: type[P], qs: QuerySet[M], query: PageQuery, shape: Callable[[list[M]], list[Any]]) -> P:
    """`page_of`, the records of the page shaped all at once (where each needs figures best read together)."""
    count, records = paginate(qs, query)
    return page(count=count, page=query.page, page_size=query.page_size, items=shape(list(records)))
