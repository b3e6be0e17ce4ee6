"""The request edge, written once: who is signed in, a form bound to the request, a service run
on a valid posted form with its errors put back on the form's fields, and the staff member
behind an API call with the permission it needs.

A page's POST view then reads as what it does:

    form = bound(request, SupervisorForm, supervisors=..., initial=...)
    if (done := submit(form, lambda data: services.session_assign_supervisor(...))).ok:
        messages.success(request, ...)
        return redirect(...)
    return render(request, "...", {"form": form})
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from .forms import apply_service_errors

if TYPE_CHECKING:  # core sits below staff: the user model is named for the type checker only
    from payback.staff.models import User

F = TypeVar("F", bound=forms.BaseForm)
T = TypeVar("T")


def staff_user(request: HttpRequest) -> "User":
    """The signed-in member of staff (views behind `login_required`)."""
    user = request.user
    if not isinstance(user, get_user_model()) or not user.is_authenticated:
        raise PermissionDenied("Sign in to use this page")
    return user  # type: ignore[return-value]


def bound(request: HttpRequest, form_class: type[F], *args: Any, **kwargs: Any) -> F:
    """The form, bound to what was posted (unbound on GET)."""
    return form_class(request.POST if request.method == "POST" else None, *args, **kwargs)


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


def api_staff(request: HttpRequest, *permissions: str, message: str) -> "User":
    """The member of staff behind an API call (session or token), holding one of the permissions;
    403 with `message` otherwise."""
    user = getattr(request, "auth", None)
    if not isinstance(user, get_user_model()) or not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied(message)
    return user  # type: ignore[return-value]
