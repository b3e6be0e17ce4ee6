"""The person's pages at /my/: signing in with a code, their hours, sessions and letters, telling us
they cannot come, and their contact details. Every page is for the person signed in alone, and no
answer is kept by the browser."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from payback.cases.models import Person
from payback.core.edge import bound, submit
from payback.core.selectors import policy_book

from . import selectors, services, signin
from .contact import preferred_channel
from .edge import person_page
from .forms import REASONS, CannotComeForm, CodeForm, ContactChangeForm, PreferenceForm, SignInForm
from .signin_views import SignInPages

# ---------------------------------------------------------------------------------------------
# Signing in and out


PAGES = SignInPages(
    service="portal",
    visits=signin.VISITS,
    signed_in=signin.visit_person,
    start=signin.sign_in_start,
    finish=signin.sign_in_finish,
    sign_in_form=SignInForm,
    code_form=CodeForm,
)
sign_in, code, sign_out, signed_out = PAGES.views()


# ---------------------------------------------------------------------------------------------
# What the person sees


@person_page
def home(request: HttpRequest, person: Person) -> HttpResponse:
    today = timezone.localdate()
    upcoming = selectors.upcoming(person, today=today, most=1)
    context = {
        "person": person,
        "hours": selectors.hours_of(person, today=today, book=policy_book()),
        "next": upcoming[0] if upcoming else None,
        "missed": selectors.missed(person),
        "first_appointment": selectors.first_appointment(person, today=today),
        "letters": selectors.letters_of(person)[:3],
        "today": today,
    }
    return render(request, "portal/home.html", context)


@person_page
def sessions(request: HttpRequest, person: Person) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "person": person,
        "sessions": selectors.upcoming(person, today=today),
        "missed": selectors.missed(person),
    }
    return render(request, "portal/sessions.html", context)


@person_page
def cannot_come(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    session = selectors.own_session(person, pk)
    if session.report is not None and request.method != "POST":
        return render(request, "portal/told_us.html", {"person": person, "session": session})
    form = CannotComeForm(request.POST or None, request.FILES or None) if request.method == "POST" else CannotComeForm()
    done = submit(
        form,
        lambda data: services.absence_report_send(
            person=person,
            appointment=session.appointment,
            reason=data["reason"],
            details=data["details"],
            upload=data["file"] or None,
            idempotency_key=data["idempotency_key"],
        ),
    )
    if done.ok:
        messages.success(request, "Thank you. We have told your probation officer.")
        return redirect("portal:sessions")
    if form.is_bound and "idempotency_key" in form.errors:
        form = form.with_new_key()
    context = {"person": person, "session": session, "form": form, "reasons": dict(REASONS)}
    return render(request, "portal/cannot_come.html", context)


@person_page
def letters(request: HttpRequest, person: Person) -> HttpResponse:
    return render(request, "portal/letters.html", {"person": person, "letters": selectors.letters_of(person)})


@person_page
def letter(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    return render(request, "portal/letter.html", {"person": person, "letter": selectors.own_letter(person, pk)})


# ---------------------------------------------------------------------------------------------
# Contact details


@person_page
def contact(request: HttpRequest, person: Person) -> HttpResponse:
    context = {
        "person": person,
        "channel": preferred_channel(person),
        "waiting": selectors.waiting_change(person),
        "last": selectors.last_decided_change(person),
    }
    return render(request, "portal/contact.html", context)


@person_page
def contact_change(request: HttpRequest, person: Person) -> HttpResponse:
    if selectors.waiting_change(person) is not None:
        return redirect("portal:contact")
    form = bound(request, ContactChangeForm)
    done = submit(
        form,
        lambda data: services.contact_change_send(
            person=person, values=form.values(), idempotency_key=data["idempotency_key"]
        ),
    )
    if done.ok:
        messages.success(request, "Thank you. Your probation officer will check your new details.")
        return redirect("portal:contact")
    return render(request, "portal/contact_change.html", {"person": person, "form": form})


@person_page
def contact_preference(request: HttpRequest, person: Person) -> HttpResponse:
    form = bound(request, PreferenceForm, initial={"channel": preferred_channel(person)})
    done = submit(form, lambda data: services.contact_preference_set(person=person, channel=data["channel"]))
    if done.ok:
        messages.success(request, "We will send your messages the way you chose.")
        return redirect("portal:contact")
    return render(request, "portal/contact_preference.html", {"person": person, "form": form})
