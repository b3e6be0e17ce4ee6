"""The projects API (staff only): projects, beneficiaries and the nominations register.

Thin by design, like the cases API: reads go through `selectors` (scoped to the caller's PDU, region
or the country, so another region's record is simply not found) and writes through `services`."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from payback.cases.assessment.rules import DAYS
from payback.core.api_common import page_of
from payback.core.api_ops import Access, Operations, path_id
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import MANAGE_NOMINATIONS, MANAGE_PROJECTS, REFUSALS, VIEW_PROJECTS
from payback.staff.selectors import pdu_in_area

from . import selectors, services
from .api_schemas import (
    AcceptIn,
    BeneficiariesQuery,
    BeneficiaryIn,
    BeneficiaryOut,
    BeneficiaryPage,
    NewBeneficiaryIn,
    NominationOut,
    NominationPage,
    NominationsQuery,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    ProjectsQuery,
    ProjectStatusIn,
    RejectIn,
    ReviewNeededIn,
    beneficiary_out,
    beneficiary_summary,
    nomination_out,
    nomination_summary,
    project_out,
    project_summary,
)
from .forms import normalise_postcode
from .models import Beneficiary, Nomination, Project

router = Router(tags=["projects"])
projects = Operations(router)
beneficiaries = Operations(router, "beneficiaries")
nominations = Operations(router, "nominations")
staff = Access(REFUSALS)

PROJECT_ID = path_id("project")
BENEFICIARY_ID = path_id("beneficiary")
NOMINATION_ID = path_id("nomination")

Record = TypeVar("Record")
Answer = TypeVar("Answer")


def _postcode(value: str, errors: dict[str, str], field: str = "postcode") -> str:
    if not value.strip():
        return ""
    try:
        return normalise_postcode(value)
    except ValidationError as error:
        errors[field] = error.messages[0]
        return value


def _coordinate(value: float | None) -> Decimal | None:
    """Coordinates are kept to 5 decimal places (about a metre)."""
    return None if value is None else Decimal(f"{value:.5f}")


def _pdu(user: User, pk: int | None, errors: dict[str, str], *, default: Pdu | None) -> Pdu | None:
    """A PDU in the caller's area, by id, or the default (the caller's own PDU when they have one)."""
    if pk is None:
        if default is None:
            errors["pdu"] = "Give the id of the PDU"
        return default
    pdu = pdu_in_area(user, pk)
    if pdu is None:
        errors["pdu"] = "No PDU with this id in your area"
    return pdu


def _beneficiary(user: User, pk: int, errors: dict[str, str]) -> Beneficiary | None:
    try:
        return selectors.beneficiary_get(user, pk)
    except Http404:
        errors["beneficiary_id"] = "No beneficiary with this id in your area"
        return None


def _beneficiary_values(body: NewBeneficiaryIn, errors: dict[str, str]) -> dict[str, Any]:
    values = body.model_dump(include=set(services.BENEFICIARY_FIELDS))
    values["kind"] = body.kind.value
    values["postcode"] = _postcode(body.postcode, errors)
    values["contact_phone"] = body.contact_phone.strip()
    values["contact_email"] = body.contact_email.strip()
    return values


def _changed(
    user: User,
    pk: int,
    get: Callable[[User, int], Record],
    change: Callable[[Record], None],
    detail: Callable[[User, int], Answer],
) -> Answer:
    """Find a record in the caller's area, make one change to it and answer with the record as it
    now is, all in one transaction."""
    record = get(user, pk)
    with transaction.atomic():
        change(record)
        return detail(user, pk)


# ---------------------------------------------------------------------------------------------
# Projects


def _project_detail(user: User, pk: int) -> ProjectOut:
    project = selectors.project_get(user, pk)
    return project_out(
        project,
        tasks=list(project.tasks.order_by("position")),
        assessment=selectors.current_project_assessment(project),
    )


@projects.get("/projects", ProjectPage, "listProjects", "List projects")
def list_projects(request: HttpRequest, query: Query[ProjectsQuery]) -> ProjectPage:
    """Projects in your area, by name. Filters: `status`, `project_type`, `review_needed`, `q`."""
    user = staff(request, VIEW_PROJECTS)
    filters = selectors.ProjectFilters(
        status=query.status.value if query.status else "",
        project_type=query.project_type.value if query.project_type else "",
        review_needed=query.review_needed,
        q=(query.q or "").strip(),
    )
    return page_of(ProjectPage, selectors.project_list(user, filters).order_by("name", "id"), query, project_summary)


@projects.get("/projects/{id}", ProjectOut, "getProject", "One project")
def get_project(request: HttpRequest, id: int = PROJECT_ID) -> ProjectOut:
    """The project with its work schedule in order and a summary of its approved risk assessment,
    including who may not be placed there (excluded risk flags, women only)."""
    return _project_detail(staff(request, VIEW_PROJECTS), id)


@projects.create("/projects", ProjectOut, "createProject", "Record a draft project")
def create_project(request: HttpRequest, body: ProjectIn) -> Status[ProjectOut]:
    """A draft project for a beneficiary in your area. Before it can start it needs an approved project
    assessment, a work schedule and the beneficiary's signed memorandum of understanding."""
    user = staff(request, MANAGE_PROJECTS)
    errors: dict[str, str] = {}
    beneficiary = _beneficiary(user, body.beneficiary_id, errors)
    pdu = None
    if beneficiary is not None or body.pdu is not None:
        pdu = _pdu(user, body.pdu, errors, default=beneficiary.pdu if beneficiary else None)
    values = body.model_dump(include=set(services.PROJECT_FIELDS))
    if body.capacity is None:
        values.pop("capacity")  # the model's default
    values["project_type"] = body.project_type.value
    values["postcode"] = _postcode(body.postcode, errors)
    values["latitude"], values["longitude"] = _coordinate(body.latitude), _coordinate(body.longitude)
    values["days"] = [day for day in DAYS if day in body.days]
    if errors:
        raise ValidationError(errors)
    assert beneficiary is not None and pdu is not None
    with transaction.atomic():
        project = services.project_create(actor=user, beneficiary=beneficiary, pdu=pdu, **values)
        return Status(201, _project_detail(user, project.pk))


@projects.post("/projects/{id}/status", ProjectOut, "changeProjectStatus", "Start, pause or close")
def change_project_status(request: HttpRequest, body: ProjectStatusIn, id: int = PROJECT_ID) -> ProjectOut:
    """Draft → closed; assessed → active or closed; active → paused or closed; paused → active or closed.
    Becoming active needs an approved project assessment with no review outstanding, the beneficiary's
    signed memorandum of understanding, the days and hours, and at least one task (400 naming `to_status`)."""
    user = staff(request, MANAGE_PROJECTS)

    def change(project: Project) -> None:
        services.project_change_status(actor=user, project=project, to_status=body.to_status.value, reason=body.reason)

    return _changed(user, id, selectors.project_get, change, _project_detail)


@projects.post(
    "/projects/{id}/review-needed", ProjectOut, "flagProjectReview", "Say the risk assessment must be reviewed"
)
def flag_project_review(request: HttpRequest, body: ReviewNeededIn, id: int = PROJECT_ID) -> ProjectOut:
    """After an accident, near miss or change. The project cannot become active again until a reviewed
    project assessment is approved."""
    user = staff(request, MANAGE_PROJECTS)

    def flag(project: Project) -> None:
        services.project_flag_review(actor=user, project=project, reason=body.reason)

    return _changed(user, id, selectors.project_get, flag, _project_detail)


# ---------------------------------------------------------------------------------------------
# Beneficiaries


def _beneficiary_detail(user: User, pk: int) -> BeneficiaryOut:
    beneficiary = selectors.beneficiary_get(user, pk)
    projects: list[Project] = list(
        selectors.projects_for(user).filter(beneficiary=beneficiary).order_by("-created_at", "-id")
    )
    return beneficiary_out(beneficiary, projects=projects)


@beneficiaries.get("/beneficiaries", BeneficiaryPage, "listBeneficiaries", "List beneficiaries")
def list_beneficiaries(request: HttpRequest, query: Query[BeneficiariesQuery]) -> BeneficiaryPage:
    """Beneficiaries in your area, by name. Filters: `kind`, `q` (part of the name or contact's name)."""
    user = staff(request, VIEW_PROJECTS)
    qs = selectors.beneficiary_search(user, kind=query.kind.value if query.kind else "", q=query.q or "")
    return page_of(BeneficiaryPage, qs.order_by("name", "id"), query, beneficiary_summary)


@beneficiaries.get("/beneficiaries/{id}", BeneficiaryOut, "getBeneficiary", "One beneficiary")
def get_beneficiary(request: HttpRequest, id: int = BENEFICIARY_ID) -> BeneficiaryOut:
    """The organisation, its contact, when it signed the memorandum of understanding, and its projects."""
    return _beneficiary_detail(staff(request, VIEW_PROJECTS), id)


@beneficiaries.create("/beneficiaries", BeneficiaryOut, "createBeneficiary", "Record a beneficiary")
def create_beneficiary(request: HttpRequest, body: BeneficiaryIn) -> Status[BeneficiaryOut]:
    """A commercial organisation needs `additionality_justification`: how the work is additional to
    what it pays for. The memorandum of understanding cannot be signed in the future."""
    user = staff(request, MANAGE_PROJECTS)
    errors: dict[str, str] = {}
    own = user.pdu if user.scope == Scope.PDU else None
    pdu = _pdu(user, body.pdu, errors, default=own)
    values = _beneficiary_values(body, errors)
    if errors:
        raise ValidationError(errors)
    assert pdu is not None
    with transaction.atomic():
        beneficiary = services.beneficiary_create(actor=user, pdu=pdu, **values)
        return Status(201, _beneficiary_detail(user, beneficiary.pk))


# ---------------------------------------------------------------------------------------------
# Nominations


def _nomination_detail(user: User, pk: int) -> NominationOut:
    nomination: Nomination = selectors.nomination_get(user, pk)
    tag = selectors.acknowledgement_tag(nomination, today=timezone.localdate())
    return nomination_out(nomination, acknowledgement=tag)


@nominations.get("/nominations", NominationPage, "listNominations", "The nominations register")
def list_nominations(request: HttpRequest, query: Query[NominationsQuery]) -> NominationPage:
    """Nominations for your area, newest first. Filters: `status`, `overdue`."""
    user = staff(request, MANAGE_NOMINATIONS)
    today = timezone.localdate()
    filters = selectors.NominationFilters(status=query.status.value if query.status else "", overdue=query.overdue)
    qs = selectors.nomination_register(user, filters, today=today).order_by("-submitted_at", "-id")
    return page_of(
        NominationPage,
        qs,
        query,
        lambda n: nomination_summary(n, acknowledgement=selectors.acknowledgement_tag(n, today=today)),
    )


@nominations.get("/nominations/{id}", NominationOut, "getNomination", "One nomination")
def get_nomination(request: HttpRequest, id: int = NOMINATION_ID) -> NominationOut:
    """The nomination with the nominator's contact details and what has been decided."""
    return _nomination_detail(staff(request, MANAGE_NOMINATIONS), id)


@nominations.post("/nominations/{id}/acknowledge", NominationOut, "acknowledgeNomination", "Acknowledge a nomination")
def acknowledge_nomination(request: HttpRequest, id: int = NOMINATION_ID) -> NominationOut:
    """Records the acknowledgement and emails it to the nominator. A nomination is acknowledged once."""
    user = staff(request, MANAGE_NOMINATIONS)

    def acknowledge(nomination: Nomination) -> None:
        services.nomination_acknowledge(actor=user, nomination=nomination)

    return _changed(user, id, selectors.nomination_get, acknowledge, _nomination_detail)


@nominations.post("/nominations/{id}/reject", NominationOut, "rejectNomination", "Reject a nomination")
def reject_nomination(request: HttpRequest, body: RejectIn, id: int = NOMINATION_ID) -> NominationOut:
    """With a reason from the list and an explanation that can be passed on to the nominator."""
    user = staff(request, MANAGE_NOMINATIONS)

    def reject(nomination: Nomination) -> None:
        services.nomination_reject(actor=user, nomination=nomination, reason=body.reason.value, detail=body.detail)

    return _changed(user, id, selectors.nomination_get, reject, _nomination_detail)


@nominations.create(
    "/nominations/{id}/accept",
    NominationOut,
    "acceptNomination",
    "Accept a nomination: a beneficiary and a draft project",
)
def accept_nomination(request: HttpRequest, body: AcceptIn, id: int = NOMINATION_ID) -> Status[NominationOut]:
    """Links an existing beneficiary (`beneficiary_id`) or records a new one (`new_beneficiary`, in the
    nomination's PDU), and makes a draft project from the nomination (201: the nomination, now pointing
    at both). Give one of the two, not both."""
    user = staff(request, MANAGE_NOMINATIONS)
    nomination = selectors.nomination_get(user, id)
    errors: dict[str, str] = {}
    beneficiary = None
    new_values = None
    if body.beneficiary_id is not None and body.new_beneficiary is not None:
        errors["beneficiary_id"] = "Choose an existing beneficiary or give a new one, not both"
    elif body.beneficiary_id is not None:
        beneficiary = _beneficiary(user, body.beneficiary_id, errors)
    elif body.new_beneficiary is not None:
        new_values = _beneficiary_values(body.new_beneficiary, errors)
    else:
        errors["beneficiary_id"] = "Choose the beneficiary (beneficiary_id), or give a new one (new_beneficiary)"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        services.nomination_accept(
            actor=user,
            nomination=nomination,
            project_name=body.project_name,
            beneficiary=beneficiary,
            new_beneficiary=new_values,
        )
        return Status(201, _nomination_detail(user, id))
