"""The home page: what needs the signed-in member of staff today, a section for each role they hold."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.context_processors import forget_counts
from payback.core.edge import staff_page, staff_user
from payback.notifications.selectors import for_home

from .items import Today
from .sections import sections_for


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    t = Today.for_user(user)
    sections = sections_for(user, t)
    forget_counts(user)  # the menu counts afresh, to agree with the page
    context = {
        "today": t.today,
        "sections": sections,
        "notifications": for_home(user),  # what they have been told: unread and urgent first
    }
    return render(request, "home/home.html", context)
