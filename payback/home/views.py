"""The home page: what needs the signed-in member of staff today, a section for each role they hold."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.context_processors import forget_counts
from payback.core.edge import staff_page, staff_user
from payback.staff.models import User

from .items import Today
from .sections import sections_for


def _notifications(user: User) -> list[Any]:
    """What the member of staff has been told and not yet read, for the panel at the top of the page.
    None yet: the service's notices are not kept for the home page."""
    return []


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    t = Today.for_user(user)
    sections = sections_for(user, t)
    forget_counts(user)  # the menu counts afresh, to agree with the page
    context = {
        "today": t.today,
        "sections": sections,
        "notifications": _notifications(user),
        "notifications_panel": False,
    }
    return render(request, "home/home.html", context)
