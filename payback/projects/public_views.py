"""The public nomination form: no sign-in. A GOV.UK question flow whose answers are kept in the
session, a check-your-answers page and a confirmation. The public see nothing beyond their own
confirmation.

Abuse limits: a honeypot field (a submission that fills it is quietly discarded), size and format
limits on every answer, a rate limit per client address, and the service's own recognition of an
identical repeat submission."""

import random
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import rules, selectors, services
from .forms import NOMINATION_PAGES, NominationPage, nomination_page_of
from .models import HeardAbout
from .rate_limits import over_rate_limit

SESSION_ANSWERS = "nomination_answers"
SESSION_DISCARD = "nomination_discard"
SESSION_REFERENCE = "nomination_reference"
HONEYPOT = "website"
RATE_LIMIT = 5  # submissions per address...
RATE_WINDOW = 10 * 60  # ...in this many seconds
SLUGS = [page.slug for page in NOMINATION_PAGES]


def _answers(request: HttpRequest) -> dict[str, Any]:
    answers = request.session.get(SESSION_ANSWERS)
    return answers if isinstance(answers, dict) else {}


def _honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT, "").strip())


def _first_incomplete(answers: dict[str, Any]) -> NominationPage | None:
    """The first page whose stored answers are missing or no longer valid."""
    for page_class in NOMINATION_PAGES:
        data = {name: answers.get(name, "") for name in page_class.base_fields}
        form = page_class(data, answers=answers)
        if not form.is_valid():
            return form
    return None


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    if request.session.get(SESSION_REFERENCE):
        # A nomination has been sent from this browser: the next one starts afresh.
        for key in (SESSION_ANSWERS, SESSION_DISCARD, SESSION_REFERENCE):
            request.session.pop(key, None)
    return render(request, "projects/nominate_start.html", {"first": SLUGS[0]})


@never_cache
def question(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in SLUGS:
        raise Http404("No such question")
    index = SLUGS.index(slug)
    page_class = NOMINATION_PAGES[index]
    answers = _answers(request)
    form = page_class(request.POST if request.method == "POST" else None, answers=answers)
    if request.method == "POST":
        if _honeypot_filled(request):
            request.session[SESSION_DISCARD] = True
        if form.is_valid():
            request.session[SESSION_ANSWERS] = {**answers, **form.answers()}
            if request.GET.get("return") == "check" or index == len(SLUGS) - 1:
                return redirect("nominate:check")
            return redirect("nominate:question", slug=SLUGS[index + 1])
    back = reverse("nominate:question", kwargs={"slug": SLUGS[index - 1]}) if index else reverse("nominate:start")
    if request.GET.get("return") == "check":
        back = reverse("nominate:check")
    return render(
        request,
        "projects/nominate_question.html",
        {
            "form": form,
            "title": page_class.title,
            "step": index + 1,
            "steps": len(SLUGS),
            "back": back,
            "returning": request.GET.get("return") == "check",
            "honeypot": HONEYPOT,
        },
    )


def _summary(answers: dict[str, Any]) -> list[dict[str, str]]:
    pdu = selectors.pdu_with_region(answers.get("pdu"))
    heard = answers.get("heard_about", "")
    rows = [
        ("Full name", answers.get("nominator_name", ""), "about-you"),
        ("Email address", answers.get("nominator_email", ""), "about-you"),
        ("Phone number", answers.get("nominator_phone") or "Not given", "about-you"),
        (
            "Nominating for a group or organisation",
            answers.get("organisation") if answers.get("on_behalf_of_group") == "yes" else "No",
            "about-you",
        ),
        ("What needs doing", answers.get("work_description", ""), "the-work"),
        ("Where the work is", answers.get("location", ""), "where"),
        ("Postcode", answers.get("postcode", ""), "where"),
        ("Area", f"{pdu.name} ({pdu.region.name})" if pdu else "", "where"),
        ("Who would benefit", answers.get("who_benefits", ""), "who-benefits"),
        (
            "How you heard about Community Payback",
            HeardAbout(heard).label if heard in HeardAbout.values else "",
            "how-you-heard",
        ),
    ]
    return [{"key": key, "value": str(value), "slug": slug} for key, value, slug in rows]


@never_cache
def check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    if request.method == "POST":
        if over_rate_limit(request, "nominate", limit=RATE_LIMIT, window=RATE_WINDOW):
            return render(request, "projects/nominate_too_many.html", {"minutes": RATE_WINDOW // 60}, status=429)
        if _honeypot_filled(request) or request.session.get(SESSION_DISCARD):
            # Looks like an automated submission: pretend it worked, save nothing.
            request.session[SESSION_REFERENCE] = rules.nomination_reference(random.Random(secrets.randbits(64)))
            return redirect("nominate:confirmation")
    incomplete = _first_incomplete(answers)
    if incomplete is not None:
        return redirect("nominate:question", slug=incomplete.slug)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        pdu = selectors.nomination_pdu(answers["pdu"])
        try:
            nomination, _created = services.nomination_submit(
                nominator_name=answers["nominator_name"],
                nominator_email=answers["nominator_email"],
                nominator_phone=answers.get("nominator_phone", ""),
                organisation=answers.get("organisation", ""),
                on_behalf_of_group=answers["on_behalf_of_group"] == "yes",
                work_description=answers["work_description"],
                location=answers["location"],
                postcode=answers["postcode"],
                who_benefits=answers["who_benefits"],
                heard_about=answers["heard_about"],
                pdu=pdu,
            )
        except ValidationError as error:
            errors = [
                {"message": message, "slug": nomination_page_of(field).slug}
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            # An identical repeat is recognised by the service: the same reference comes back.
            request.session[SESSION_REFERENCE] = nomination.reference
            return redirect("nominate:confirmation")
    return render(
        request, "projects/nominate_check.html", {"rows": _summary(answers), "errors": errors, "honeypot": HONEYPOT}
    )


@never_cache
def confirmation(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("nominate:start")
    return render(request, "projects/nominate_confirmation.html", {"reference": reference})
