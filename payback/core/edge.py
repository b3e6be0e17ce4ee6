"""The request edge, written once: who may open a page, who is signed in, a form bound to the
request, a service run on a valid posted form with its errors put back on the form's fields, the
message and the next page after a change, and the staff member behind an API call with the
permission it needs.

A page's POST view then reads as what it does:

    @staff_page(PLAN)
    def supervisor_change(request, pk):
        form = bound(request, SupervisorForm, supervisors=..., initial=...)
        if submit(form, lambda data: services.session_assign_supervisor(...)).ok:
            return redirect_success(request, "... will supervise the session", "delivery:session", pk=pk)
        return render(request, "...", {"form": form})
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import apply_service_errors

if TYPE_CHECKING:  # core sits below staff: the user model is named for the type checker only
    from payback.staff.models import User

F = TypeVar("F", bound=forms.BaseForm)
T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., Any])


def staff_page(*permissions: str) -> Callable[[V], V]:
    """A page for signed-in staff (anyone else is sent to sign in) who hold at least one of the
    permissions: 403 for the rest. With no permission named, any signed-in member of staff."""

    def check(user: Any) -> bool:
        if not user.is_authenticated:
            return False
        if not permissions or any(user.has_perm(p) for p in permissions):
            return True
        raise PermissionDenied

    return user_passes_test(check)  # type: ignore[return-value]


def staff_user(request: HttpRequest) -> "User":
    """The signed-in member of staff (views behind `login_required`)."""
    user = request.user
    if not isinstance(user, get_user_model()) or not user.is_authenticated:
        raise PermissionDenied("Sign in to use this page")
    return user  # type: ignore[return-value]


def scoped(request: HttpRequest, get: Callable[["User", int], T], pk: int) -> tuple["User", T]:
    """The signed-in member of staff, and the record `get` reads for them by its key: a selector
    that answers 404 for a record outside their area."""
    user = staff_user(request)
    return user, get(user, pk)


def found(record: T | None, message: str) -> T:
    """The record looked up, or 404 with `message` when there is none."""
    if record is None:
        raise Http404(message)
    return record


def bound(request: HttpRequest, form_class: type[F], *args: Any, **kwargs: Any) -> F:
    """The form, bound to what was posted (unbound on GET)."""
    return form_class(request.POST if request.method == "POST" else None, *args, **kwargs)


def pick(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The answers a service takes under the same names as the form's fields."""
    return {name: data[name] for name in names}


def redirect_success(request: HttpRequest, message: str, to: str, **kwargs: Any) -> HttpResponse:
    """Say what was done, then go on to the page `to` (a URL name, with its arguments)."""
    messages.success(request, message)
    return redirect(to, **kwargs)


def redirect_error(request: HttpRequest, message: str, to: str, **kwargs: Any) -> HttpResponse:
    """Say why nothing was done, then go on to the page `to` (a URL name, with its arguments)."""
    messages.error(request, message)
    return redirect(to, **kwargs)


def apply_errors(form: forms.BaseForm, error: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """Put each of a service's messages on the form field that shows it; `rename` maps a service's
    field name to the form's where they differ. Each message appears once on a field."""
    if rename and hasattr(error, "error_dict"):
        renamed: dict[str, list[str]] = {}
        for field, messages in error.message_dict.items():
            target = renamed.setdefault(rename.get(field, field), [])
            target.extend(m for m in messages if m not in target)
        error = ValidationError(renamed)
    apply_service_errors(form, error)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Done(Generic[T]):
    """Whether a posted form's service ran, and what it returned."""

    ok: bool
    value: T | None = None


def submit(
    form: forms.BaseForm, action: Callable[[dict[str, Any]], T], *, rename: dict[str, str] | None = None
) -> Done[T]:
    """Run `action` with the cleaned data of a valid posted form. A ValidationError from the service
    goes onto the form's fields (nothing was saved: services are transactional) and `ok` is False."""
    if not form.is_bound or not form.is_valid():
        return Done(False)
    try:
        return Done(True, action(form.cleaned_data))
    except ValidationError as error:
        apply_errors(form, error, rename=rename)
        return Done(False)


def record_page(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    to: str,
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    to_args: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A page that records something from its form: on a valid post `action` runs and the user goes
    on to the page `to` told `success` (or what `success` says of the record made); otherwise the
    template shows the form, its errors and the `context` (read only then when it is a function)."""
    done = submit(form, action)
    if done.ok and (isinstance(success, str) or done.value is not None):
        message = success if isinstance(success, str) else success(done.value)  # type: ignore[arg-type]
        return redirect_success(request, message, to, **(to_args or {}))
    shown = context() if callable(context) else (context or {})
    return render(request, template, {**shown, "form": form})


def api_staff(request: HttpRequest, *permissions: str, message: str) -> "User":
    """The member of staff behind an API call (session or token), holding one of the permissions;
    403 with `message` otherwise."""
    user = getattr(request, "auth", None)
    if not isinstance(user, get_user_model()) or not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied(message)
    return user  # type: ignore[return-value]
