"""What the coordinator and manager pages share: paging through a register."""

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def page_query(request: HttpRequest, *, drop: Iterable[str] = ("page",)) -> dict[str, Any]:
    return {k: v for k, v in request.GET.items() if k not in set(drop) and v}


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
