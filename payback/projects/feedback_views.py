"""The beneficiary's feedback survey: no sign-in. The link emailed to the contact opens it by its
token; the page shows nothing but the project's and the beneficiary's names. It can be answered
once: a used or expired link is gone (410). Like the public nomination form, answers sent from one
client address are limited in number, and every form carries Django's CSRF protection."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from payback.core.edge import apply_errors

from . import rules, selectors, services
from .forms import SurveyForm
from .models import BeneficiarySurvey
from .rate_limits import over_rate_limit

SESSION_THANKS = "feedback_thanks"
RATE_LIMIT = 10  # answers sent from one address...
RATE_WINDOW = 10 * 60  # ...in this many seconds
GONE_TITLES = {
    rules.LINK_USED: "This survey has already been answered",
    rules.LINK_EXPIRED: "This link has expired",
    rules.LINK_WRONG_PROJECT: "This link is for a different project",
}


def _gone(request: HttpRequest, problem: str, survey: BeneficiarySurvey) -> HttpResponse:
    context = {"title": GONE_TITLES[problem], "problem": problem, "survey": survey}
    return render(request, "projects/feedback_gone.html", context, status=410)


def _link_problem(survey: BeneficiarySurvey) -> str | None:
    return rules.survey_link_problem(
        link_project_id=survey.project_id,
        project_id=survey.project_id,
        used=survey.used_at is not None,
        expires_on=survey.expires_on,
        today=timezone.localdate(),
    )


def _answer(request: HttpRequest, token: str, survey: BeneficiarySurvey, form: SurveyForm) -> HttpResponse | None:
    """Send valid answers to the service: the next page, or None with the errors on the form."""
    if not form.is_valid():
        return None
    try:
        services.survey_answer(token=token, project_id=form.cleaned_data["project"], **form.answers())
    except ValidationError as error:
        refused = error.error_dict.get("link") if hasattr(error, "error_dict") else None
        if refused:
            if refused[0].code not in GONE_TITLES:
                raise Http404("No such survey") from error
            survey.refresh_from_db()  # answered meanwhile, say, from another tab
            return _gone(request, str(refused[0].code), survey)
        apply_errors(form, error)
        return None
    request.session[SESSION_THANKS] = survey.project.name
    return redirect("feedback:thanks")


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.survey_by_token(token)
    if found is None:
        raise Http404("No such survey")
    problem = _link_problem(found)
    if problem is not None:
        return _gone(request, problem, found)
    form = SurveyForm(request.POST if request.method == "POST" else None, initial={"project": found.project_id})
    if request.method == "POST":
        if over_rate_limit(request, "feedback", limit=RATE_LIMIT, window=RATE_WINDOW):
            return render(request, "projects/feedback_too_many.html", {"minutes": RATE_WINDOW // 60}, status=429)
        answered = _answer(request, token, found, form)
        if answered is not None:
            return answered
    context = {"form": form, "project": found.project, "beneficiary": found.project.beneficiary, "survey": found}
    return render(request, "projects/feedback_form.html", context)


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/feedback_thanks.html", {"project_name": request.session.get(SESSION_THANKS, "")})
