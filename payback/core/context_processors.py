from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# (label, url name, permission needed or None for any signed-in member of staff)
NAVIGATION: list[tuple[str, str, str | None]] = [
    ("Home", "home:index", None),
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
    ("Incidents", "delivery:incidents", "delivery.change_incident"),
    ("Learning", "delivery:learning", "delivery.change_incident"),
    ("Teams", "staff:teams", "staff.manage_caseloads"),
    ("Vehicles", "delivery:vehicles", "delivery.change_vehicle"),
    ("Quality", "quality:index", "quality.assure_quality"),
    ("Oversight", "oversight:index", "oversight.oversee_practice"),
    ("Figures", "insight:index", "insight.view_figures"),
    ("Policy", "core:policy", "core.view_policyversion"),
]


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        for label, name, permission in NAVIGATION:
            if permission is None or user.has_perm(permission):
                items.append({"text": label, "href": reverse(name), "active": False})
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
