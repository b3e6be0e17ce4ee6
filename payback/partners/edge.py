"""The request edge of a contact's pages: who is signed in (their own visit, never a member of
staff's sign-in), the pages open before signing in, and answers no browser or proxy keeps."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from payback.portal.edge import public_page

from .signin import visit_contact

__all__ = ["contact_page", "public_page"]


def contact_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for the signed-in contact, who is passed to the view; anyone else is sent to sign in.
    Another organisation's record, or none, is the contact's own "not found" page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = visit_contact(request)
        if contact is None:
            return redirect("partners:sign-in")
        try:
            return view(request, contact, *args, **kwargs)
        except Http404:
            return render(request, "partners/not_found.html", {"contact": contact}, status=404)

    return public_page(wrapped)
