"""The request edge of the person's pages: who is signed in (their own visit, never a member of
staff's sign-in), pages open before signing in, and answers no browser or proxy keeps."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from payback.cases.models import Person
from payback.staff.middleware import OPEN_WITHOUT_STAFF_SIGN_IN

from .signin import visit_person

PersonView = Callable[..., HttpResponse]


def _open(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Never stored (Cache-Control: no-store), and never sent through the staff sign-in."""
    wrapped = never_cache(view)
    setattr(wrapped, OPEN_WITHOUT_STAFF_SIGN_IN, True)
    return wrapped


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the person's service open before signing in (signing in itself)."""
    return _open(view)


def person_page(view: PersonView) -> Callable[..., HttpResponse]:
    """A page for the signed-in person, who is passed to the view; anyone else is sent to sign in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = visit_person(request)
        if person is None:
            return redirect("portal:sign-in")
        request.person = person  # type: ignore[attr-defined]
        try:
            return view(request, person, *args, **kwargs)
        except Http404:  # another person's record, or none: the person's own "not found" page, not stored
            return render(request, "portal/not_found.html", {"person": person}, status=404)

    return _open(wrapped)


def signed_in(request: HttpRequest) -> Person | None:
    """The person whose page this is (set by `person_page`)."""
    return getattr(request, "person", None)
