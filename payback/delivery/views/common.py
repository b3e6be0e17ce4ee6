"""What every delivery page shares: the signed-in member of staff, permission checks that accept
any one of several permissions, putting a service's errors on the right fields, and the few
small reads the pages need to fill their lists."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from payback.cases.models import CLOSED_STATUSES, Requirement
from payback.cases.selectors import requirements_for
from payback.core.forms import apply_service_errors
from payback.projects.models import Project, ProjectStatus, ProjectType
from payback.projects.selectors import projects_for
from payback.staff.models import User
from payback.staff.selectors import pdus_for, scope_q

from ..models import DriverAuthorisation, Vehicle

PLAN = "delivery.add_session"
RUN = "delivery.run_session"
REPORT_INCIDENTS = "delivery.add_incident"
INVESTIGATE = "delivery.change_incident"
RAISE_CONCERNS = "delivery.add_riskconcern"
ACKNOWLEDGE = "delivery.change_riskconcern"
MANAGE_VEHICLES = "delivery.change_vehicle"
TIMESHEETS = "delivery.add_individualplacementtimesheet"
DECIDE = "cases.change_requirement"

F = TypeVar("F", bound=Callable[..., Any])


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def permission_any(*permissions: str) -> Callable[[F], F]:
    """Let in a signed-in member of staff who holds any one of the permissions; 403 otherwise."""

    def check(user: Any) -> bool:
        if not user.is_authenticated:
            return False
        if any(user.has_perm(p) for p in permissions):
            return True
        raise PermissionDenied

    return user_passes_test(check)  # type: ignore[return-value]


def apply_errors(form: forms.Form, error: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """A service's errors on the form's fields; a key the form names differently is renamed."""
    if rename and hasattr(error, "error_dict"):
        error = ValidationError({rename.get(k, k): v for k, v in error.error_dict.items()})
    apply_service_errors(form, error)


def active_projects(user: User, *, individual: bool = False) -> QuerySet[Project]:
    qs = projects_for(user).filter(status=ProjectStatus.ACTIVE)
    if individual:
        return qs.filter(project_type=ProjectType.INDIVIDUAL).order_by("name")
    return qs.exclude(project_type=ProjectType.INDIVIDUAL).order_by("name")


def staff_who_can(user: User, permission: str) -> QuerySet[User]:
    """Active staff in the user's area who hold a permission (through their role)."""
    app_label, codename = permission.split(".")
    pdus = pdus_for(user)
    return (
        User.objects.filter(
            Q(pdu__in=pdus) | Q(pdu__isnull=True, region__in=pdus.values("region")),
            is_active=True,
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def vehicles_in_scope(user: User) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(scope_q(user, pdu_field="pdu")).select_related("pdu")


def drivers_in_scope(user: User) -> QuerySet[DriverAuthorisation]:
    return (
        DriverAuthorisation.objects.filter(
            Q(driver__pdu__in=pdus_for(user))
            | Q(driver__pdu__isnull=True, driver__region__in=pdus_for(user).values("region"))
        )
        .select_related("driver", "authorised_by")
        .order_by("driver__last_name", "driver__first_name")
    )


def open_requirement(user: User, crn: str) -> Requirement | None:
    """The open requirement of the person with this CRN, within the user's area."""
    return (
        requirements_for(user)
        .filter(person__crn=crn.strip().upper())
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-pk")
        .first()
    )
