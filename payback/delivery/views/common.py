"""What every delivery page shares: the permissions the pages ask for, and the way back to a
session's page. Who may open a page, the
signed-in member of staff and a service's errors on a form come from `payback.core.edge`; the
reads that fill the pages' lists are in `payback.delivery.selectors`."""

from django.http import HttpRequest, HttpResponse

from payback.core.edge import redirect_error, redirect_success

PLAN = "delivery.add_session"
RUN = "delivery.run_session"
REPORT_INCIDENTS = "delivery.add_incident"
INVESTIGATE = "delivery.change_incident"
RAISE_CONCERNS = "delivery.add_riskconcern"
ACKNOWLEDGE = "delivery.change_riskconcern"
MANAGE_VEHICLES = "delivery.change_vehicle"
TIMESHEETS = "delivery.add_individualplacementtimesheet"
DECIDE = "cases.change_requirement"


def back_to_session(request: HttpRequest, pk: int, message: str, *, refused: bool = False) -> HttpResponse:
    """The session's page again, saying what was done there (or, `refused`, why nothing was)."""
    if refused:
        return redirect_error(request, message, "delivery:session", pk=pk)
    return redirect_success(request, message, "delivery:session", pk=pk)
