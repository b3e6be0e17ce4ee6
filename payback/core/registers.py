"""The registers (the caseload, projects, beneficiaries, nominations): a filter form read from the
query string, the page of the register it asks for, and the query that the links paging or
sorting the register carry on."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

F = TypeVar("F", bound=forms.BaseForm)

PAGE_SIZE = 50


def read_filters(request: HttpRequest, form_class: type[F], **kwargs: Any) -> tuple[F, dict[str, Any]]:
    """A register's filter form, bound to the query string, and what it asks for (nothing when the
    query string is empty or not valid)."""
    form = form_class(request.GET or None, **kwargs)
    return form, (form.cleaned_data if form.is_valid() else {})


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page of a register the query string asks for (the last page past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def page_query(request: HttpRequest, *, drop: Iterable[str] = ("page",)) -> dict[str, Any]:
    """The query string's filled-in values but those named, for the links that page or sort a register."""
    return {k: v for k, v in request.GET.items() if k not in set(drop) and v}
