"""What every delivery page shares: the permissions the pages ask for, and a check that accepts
any one of several. The signed-in member of staff and a service's errors on a form come from
`payback.core.edge`; the reads that fill the pages' lists are in `payback.delivery.selectors`."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied

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


def permission_any(*permissions: str) -> Callable[[F], F]:
    """Let in a signed-in member of staff who holds any one of the permissions; 403 otherwise."""

    def check(user: Any) -> bool:
        if not user.is_authenticated:
            return False
        if any(user.has_perm(p) for p in permissions):
            return True
        raise PermissionDenied

    return user_passes_test(check)  # type: ignore[return-value]
