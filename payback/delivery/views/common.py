"""What every delivery page shares: the permissions the pages ask for, and the way back to a
session's page. Who may open a page, the
signed-in member of staff and a service's errors on a form come from `payback.core.edge`; the
reads that fill the pages' lists are in `payback.delivery.selectors`."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from payback.core.edge import redirect_error, redirect_success
from payback.staff.models import User

from .. import services
from ..forms import SubmitKeyForm
from ..models import Session

PLAN = "delivery.add_session"
RUN = "delivery.run_session"
REPORT_INCIDENTS = "delivery.add_incident"
INVESTIGATE = "delivery.change_incident"
RAISE_CONCERNS = "delivery.add_riskconcern"
ACKNOWLEDGE = "delivery.change_riskconcern"
MANAGE_VEHICLES = "delivery.change_vehicle"
TIMESHEETS = "delivery.add_individualplacementtimesheet"
DECIDE = "cases.change_requirement"
# Asked for with this, a page of a session (its register not open yet, or tools not yet counted out
# at the service) is the copy the phone keeps in the morning.
KEPT_COPY = ("kept", "phone")


def back_to_session(request: HttpRequest, pk: int, message: str, *, refused: bool = False) -> HttpResponse:
    """The session's page again, saying what was done there (or, `refused`, why nothing was)."""
    if refused:
        return redirect_error(request, message, "delivery:session", pk=pk)
    return redirect_success(request, message, "delivery:session", pk=pk)


def once_per_key(
    user: User, session: Session, keys: SubmitKeyForm, scope: str, data: dict[str, Any], write: Callable[[], Any]
) -> int:
    """Run a service once for the submit's idempotency key (see `services.submit_once`)."""
    return services.submit_once(actor=user, session=session, key=keys.key(), scope=scope, payload=data, write=write)
