import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest
from django.urls import reverse

logger = logging.getLogger(__name__)

# (label, url name, permission needed or None for any signed-in member of staff)
NAVIGATION: list[tuple[str, str, str | None]] = [
    ("Home", "home:index", None),
    ("Notifications", "notifications:index", None),
    ("Caseload", "cases:caseload", "cases.view_requirement"),
    ("New case", "cases:create", "cases.add_person"),
    ("To countersign", "cases:countersign-list", "cases.countersign_assessment"),
    ("Nominations", "projects:nominations", "projects.change_nomination"),
    ("Projects", "projects:list", "projects.view_project"),
    ("Beneficiaries", "projects:beneficiaries", "projects.view_project"),
    ("Approvals", "projects:approvals", "projects.approve_projectassessment"),
    ("My sessions", "delivery:today", "delivery.run_session"),
    ("Sessions", "delivery:list", "delivery.add_session"),
    ("Allocation", "allocation:index", "delivery.add_session"),
    ("To decide", "enforcement:to-decide", "enforcement.decide_failure"),
    ("Overdue decisions", "enforcement:overdue", "enforcement.oversee_decisions"),
    ("Concerns", "delivery:concerns", "delivery.change_riskconcern"),
    ("Consultations", "cases:sbar-list", "cases.countersign_assessment"),
    ("Incidents", "delivery:incidents", "delivery.change_incident"),
    ("Learning", "delivery:learning", "delivery.change_incident"),
    ("Teams", "staff:teams", "staff.manage_caseloads"),
    ("Vehicles", "delivery:vehicles", "delivery.change_vehicle"),
    ("Quality", "quality:index", "quality.assure_quality"),
    ("Oversight", "oversight:index", "oversight.oversee_practice"),
    ("Figures", "insight:index", "insight.view_figures"),
    ("Policy", "core:policy", "core.view_policyversion"),
]


# How many are waiting behind some items (3 to decide), each counted by the app that knows: core
# sits below every app, so an app registers its counts here when it starts (see `count_item`).
# Each is one cheap read; they are kept for each member of staff for COUNT_SECONDS.
Counter = Callable[[Any], int]
COUNTS: dict[str, tuple[Counter, str]] = {}
COUNT_SECONDS = 60
BADGE_MOST = 99


def count_item(url_name: str, noun: str, counter: Counter) -> None:
    """Show beside the item `url_name` how many `counter(user)` finds, read as "3 `noun`"."""
    COUNTS[url_name] = (counter, noun)


def _counts_key(user: Any) -> str:
    return f"navigation-counts:{user.pk}:{user.date_joined.timestamp():.0f}"


def forget_counts(user: Any) -> None:
    """Count again on the next page (the home page does, so its menu agrees with it)."""
    cache.delete(_counts_key(user))


def _counts(user: Any, names: list[str]) -> dict[str, int]:
    """The counts of the items the user sees, from the cache or counted now; none if the database
    cannot answer (a page, even the error page, is never refused for a count)."""
    wanted = [name for name in names if name in COUNTS]
    if not wanted:
        return {}
    try:
        found: dict[str, int] | None = cache.get(_counts_key(user))
        if found is None or set(found) != set(wanted):
            found = {name: COUNTS[name][0](user) for name in wanted}
            cache.set(_counts_key(user), found, COUNT_SECONDS)
    except DatabaseError:
        logger.exception("The menu's counts could not be read")
        return {}
    return found


def _badge(count: int, noun: str) -> dict[str, str]:
    """The number on the badge (99+ beyond 99) and what a screen reader hears ("3 to decide")."""
    many = count > BADGE_MOST
    return {
        "count": f"{BADGE_MOST}+" if many else str(count),
        "count_spoken": f"{BADGE_MOST} or more {noun}" if many else f"{count} {noun}",
    }


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        shown = [
            (label, name) for label, name, permission in NAVIGATION if permission is None or user.has_perm(permission)
        ]
        counts = _counts(user, [name for _, name in shown])
        for label, name in shown:
            item = {"text": label, "href": reverse(name), "active": False}
            if counts.get(name):
                item.update(_badge(counts[name], COUNTS[name][1]))
            items.append(item)
        # The item whose address is the longest start of the current path is the current one.
        matches = [item for item in items if item["href"] != "/" and request.path.startswith(item["href"])]
        matches += [item for item in items if item["href"] == request.path == "/"]
        if matches:
            max(matches, key=lambda item: len(item["href"]))["active"] = True
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "primary_navigation": items,
    }
