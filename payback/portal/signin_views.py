"""The pages for signing in with a code, and out, written once for each service with its own sign-in:
the person's (/my/) and a beneficiary contact's (/partners/). Each service names its URL namespace
and template folder (`service`), its forms, its visits, and how its sign-in starts and finishes.
The sign-in form's fields are what the service's `start` is given, with the client's address."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from payback.core.client import client_key
from payback.core.edge import apply_errors, bound

from .codes import SignInRefused, Visits
from .edge import public_page

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class SignInPages:
    service: str
    visits: Visits
    signed_in: Callable[[HttpRequest], Any]
    start: Callable[..., str]
    finish: Callable[..., Any]
    sign_in_form: type[forms.Form]
    code_form: type[forms.Form]

    def views(self) -> tuple[View, View, View, View]:
        """The sign-in, code, sign-out and signed-out pages, all open before signing in."""
        return (
            public_page(self.sign_in),
            public_page(self.code),
            public_page(require_POST(self.sign_out)),
            public_page(self.signed_out),
        )

    def refused(self, request: HttpRequest, error: SignInRefused) -> HttpResponse:
        """Too many tries: say what to do, and nothing else (429)."""
        return render(request, f"{self.service}/too_many.html", {"message": error.message}, status=429)

    def sign_in(self, request: HttpRequest) -> HttpResponse:
        if self.signed_in(request) is not None:
            return redirect(f"{self.service}:home")
        ended = request.session.pop(self.visits.ended, False)
        form = bound(request, self.sign_in_form)
        if request.method == "POST" and form.is_valid():
            try:
                token = self.start(**form.cleaned_data, address=client_key(request))
            except SignInRefused as error:
                return self.refused(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                request.session[self.visits.challenge] = token
                return redirect(f"{self.service}:code")
        return render(request, f"{self.service}/sign_in.html", {"form": form, "ended": ended})

    def code(self, request: HttpRequest) -> HttpResponse:
        token = request.session.get(self.visits.challenge)
        if not token:
            return redirect(f"{self.service}:sign-in")
        form = bound(request, self.code_form)
        if request.method == "POST" and form.is_valid():
            try:
                who = self.finish(token=token, code=form.cleaned_data["code"], address=client_key(request))
            except SignInRefused as error:
                return self.refused(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                self.visits.start(request, who)
                return redirect(f"{self.service}:home")
        return render(request, f"{self.service}/code.html", {"form": form})

    def sign_out(self, request: HttpRequest) -> HttpResponse:
        self.visits.end(request)
        return redirect(f"{self.service}:signed-out")

    def signed_out(self, request: HttpRequest) -> HttpResponse:
        return render(request, f"{self.service}/signed_out.html")
