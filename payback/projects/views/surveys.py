"""Beneficiary feedback on a project's page: staff ask for it now (ongoing feedback)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from payback.core.edge import redirect_error, redirect_success, scoped, staff_page
from payback.staff.roles import MANAGE_PROJECTS

from .. import selectors, services


@staff_page(MANAGE_PROJECTS)
@require_POST
def project_survey_send(request: HttpRequest, pk: int) -> HttpResponse:
    user, project = scoped(request, selectors.project_get, pk)
    site = f"{request.scheme}://{request.get_host()}"
    try:
        survey = services.survey_send_now(actor=user, project=project, site=site)
    except ValidationError as error:
        return redirect_error(request, " ".join(error.messages), "projects:project", pk=pk)
    message = f"Feedback survey sent to {survey.sent_to}: it can be answered until {survey.expires_on:%-d %B %Y}"
    return redirect_success(request, message, "projects:project", pk=pk)
