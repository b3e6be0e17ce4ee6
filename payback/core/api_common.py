"""Pieces every router of the API shares: strict input, pages of results, text that the database can store.

The routers live in the apps (``payback/<app>/api*.py``) and are assembled in ``payback/api/api.py``."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import ConfigDict

# PostgreSQL cannot store NUL in text, and no person types one.
NO_NUL = r"^[^\x00]*$"
MAX_PAGE = 10_000
M = TypeVar("M", bound=Model)


class InputSchema(Schema):
    """A request body: a field the document does not declare is refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    page_size: int = Field(25, ge=1, le=100, description="Items per page, at most 100")


def paginate(qs: QuerySet[M], query: PageQuery) -> tuple[int, list[M]]:
    """The number of matches across all pages, and the records of the page asked for."""
    start = (query.page - 1) * query.page_size
    return qs.count(), list(qs[start : start + query.page_size])
