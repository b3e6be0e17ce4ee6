"""The supervisor's day without signal: the service worker that keeps today's pages on the phone
and what is recorded there until the signal returns, and the list of today's pages it keeps.

The worker is served from the sessions' own path so that its scope covers the supervisor's pages;
it loads Workbox from the service's static files (never from another site) and its own code from
`delivery/offline-worker.js`. How it behaves is written down in docs/sessions.md."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from payback.core.edge import staff_page, staff_user
from payback.staff.models import User

from .. import selectors
from ..models import Session, SessionStatus
from .common import KEPT_COPY, RAISE_CONCERNS, REPORT_INCIDENTS, RUN

# The Workbox parts the worker runs, in the order they load (core first: the others build on it).
WORKER_PARTS = ("core", "routing", "strategies", "background-sync")
NO_STORE = "no-store"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script. Not cached by the browser's HTTP cache, so that a new version
    of the service reaches the phone at the next page opened with signal."""
    scope = reverse("delivery:today").rsplit("today/", 1)[0]
    config = {
        "scope": scope,
        "today": reverse("delivery:today"),
        "day": reverse("delivery:offline-day"),
        "signIn": reverse("staff:sign-in"),
        "assets": str(settings.STATIC_URL),
        "stylesheet": static("govuk/govuk-frontend.min.css"),
        "service": settings.SERVICE_NAME,
    }
    scripts = [static(f"workbox/workbox-{part}.prod.js") for part in WORKER_PARTS]
    scripts.append(static("delivery/offline-worker.js"))
    body = "\n".join(
        [
            "// The supervisor's day without signal: see docs/sessions.md.",
            f"self.paybackOffline = {json.dumps(config)};",
            f"importScripts({', '.join(json.dumps(script) for script in scripts)});",
            "",
        ]
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = NO_STORE
    return response


@staff_page(RUN)
@require_GET
def offline_day(request: HttpRequest) -> JsonResponse:
    """What the phone keeps for today: every page of the supervisor's open sessions, a label for
    each session, who is signed in and a current form token (for what is sent later). `done` once
    none of today's sessions is open: then nothing is kept."""
    user = staff_user(request)
    day = timezone.localdate()
    sessions = [s for s in selectors.my_sessions(user, on=day) if s.status == SessionStatus.PLANNED]
    pages = {s.pk: _pages(user, s) for s in sessions}
    body = {
        "day": day.isoformat(),
        "user": user.pk,
        "csrf": get_token(request),
        "done": not sessions,
        "sessions": [{"id": s.pk, "label": _label(s)} for s in sessions],
        "pages": [reverse("delivery:today"), *[page for kept in pages.values() for page in kept]],
    }
    response = JsonResponse(body)
    response["Cache-Control"] = NO_STORE
    return response


def _label(session: Session) -> str:
    return f"{session.project.name}, {session.start_time:%H:%M}"


def _pages(user: User, session: Session) -> list[str]:
    """The pages of one open session the supervisor may need during the day (the register as the
    copy kept on the phone, which opens for recording at the start time; counting tools back in
    as the copy kept on the phone until tools are counted out)."""
    pk = session.pk
    pages = [
        reverse("delivery:session", args=[pk]),
        reverse("delivery:checks", args=[pk]),
        f"{reverse('delivery:register', args=[pk])}?{urlencode([KEPT_COPY])}",
    ]
    # Before any tool is counted out, counting them back in is kept as the copy that takes them
    # written (see `tools.tools_in`), to send after the before-work checks kept on the phone.
    tools_in = reverse("delivery:tools-in", args=[pk])
    pages.append(tools_in if selectors.tool_counts(session) else f"{tools_in}?{urlencode([KEPT_COPY])}")
    if user.has_perm(REPORT_INCIDENTS):
        pages.append(reverse("delivery:incident-report", args=[pk]))
    if user.has_perm(RAISE_CONCERNS):
        pages += [reverse("delivery:concern-raise", args=[pk, aid]) for aid in selectors.booked_ids(session)]
    return pages
