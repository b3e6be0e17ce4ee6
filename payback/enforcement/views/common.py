"""The shape every enforcement form page shares: a form bound to what was posted (files too), the
service run on a valid post, a form used twice given a fresh key, and back to the record after."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.edge import redirect_success, submit
from payback.core.idempotency import KeyReused

KEY_USED = "This form was already used for something else: check the details and submit again"


@dataclass(frozen=True)
class FormPage:
    """One form page: the form, its template, what a valid post does, what is said after and where
    it goes (a URL name and its arguments)."""

    form_class: type
    template: str
    write: Callable[[dict[str, Any]], Any]
    message: str
    done: tuple[str, dict[str, Any]]
    initial: dict[str, Any] = field(default_factory=dict)
    form_kwargs: dict[str, Any] = field(default_factory=dict)


def form_page(request: HttpRequest, page: FormPage, context: dict[str, Any]) -> HttpResponse:
    posted = request.method == "POST"
    form = page.form_class(
        request.POST if posted else None, request.FILES if posted else None, initial=page.initial, **page.form_kwargs
    )
    try:
        if submit(form, page.write).ok:
            to, kwargs = page.done
            return redirect_success(request, page.message, to, **kwargs)
    except KeyReused:
        form = form.with_new_key()
        form.add_error(None, KEY_USED)
    return render(request, page.template, {**context, "form": form})
