"""Allocation pages for placement coordinators and operations managers: run the plan for a PDU
and week (made in the background, with its progress), review it as a grid, change it by hand,
pin, re-run, publish, re-plan, and the capacity planner. Thin: one service per change."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from payback.core.edge import bound, redirect_error, redirect_success, scoped, staff_page, staff_user, submit
from payback.staff.models import Scope, User
from payback.staff.selectors import pdus_for, regions_for

from . import batches, capacity, selectors, services
from .forms import BatchForm, CapacityForm, PinForm, PlaceForm, RunForm, SessionChoiceForm
from .models import AllocationRun, RunKind, RunStatus

PLAN = "delivery.add_session"


def _first_message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "The change could not be made"


@staff_page(PLAN)
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    pdus = pdus_for(user)
    form = bound(request, RunForm, pdus=pdus, today=today, initial={"pdu": user.pdu_id} if user.pdu_id else None)
    done = submit(
        form,
        lambda data: services.allocation_run_start(
            actor=user, pdu=data["pdu"], week_start=data["week_start"], time_limit=float(data["time_limit"])
        ),
    )
    if done.ok and done.value is not None:
        return redirect("allocation:run", pk=done.value.pk)
    runs = selectors.recent_runs(user)
    context = {"form": form, "runs": runs, "across": batches.may_plan_across(user)}
    return render(request, "allocation/index.html", context)


@staff_page(PLAN)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(staff_user(request), pk)
    context: dict[str, Any] = {"run": run}
    if run.status in (RunStatus.DONE, RunStatus.PUBLISHED, RunStatus.SUPERSEDED) and run.plan:
        context["review"] = selectors.review(run)
    context["replans"] = selectors.replans_of(run)
    return render(request, "allocation/run.html", context)


@staff_page(PLAN)
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = selectors.run_get(staff_user(request), pk)
    response = JsonResponse(run.status_payload())
    response["Cache-Control"] = "no-store"
    return response


def _session_label(column: selectors.SessionColumn) -> str:
    return f"{column.project}, {column.short_day}, {column.start} to {column.end}"


@staff_page(PLAN)
def person(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    user, run = scoped(request, selectors.run_get, pk)
    if run.status != RunStatus.DONE:
        return redirect_error(request, "Only a plan ready to review can be changed", "allocation:run", pk=pk)
    review = selectors.review(run)
    row = selectors.person_row(review, person_id)
    columns = {c.id: c for c in review.sessions}
    current = [(sid, _session_label(columns[sid])) for sid in row.sessions if sid in columns]
    choices = [(c.id, _session_label(c)) for c in review.sessions if c.id not in row.sessions and not c.closed]
    form = bound(request, PlaceForm, sessions=choices, current=current)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data.get("from_session")
        target = form.cleaned_data["to_session"]
        try:
            if source:
                services.allocation_hand_edit(
                    actor=user, run=run, action="move", person_id=person_id, session_id=source, to_session_id=target
                )
            else:
                services.allocation_hand_edit(actor=user, run=run, action="add", person_id=person_id, session_id=target)
        except ValidationError as error:
            form.add_error("to_session", _first_message(error))
        else:
            done = "moved" if source else "added"
            message = f"{row.name} {done} to {columns[target].project} on {columns[target].short_day}"
            return redirect_success(request, message, "allocation:run", pk=pk)
    pins = {(c.session, c.pinned) for c in row.cells}
    return render(
        request,
        "allocation/person.html",
        {
            "run": run,
            "row": row,
            "form": form,
            "current": [(columns[sid], (sid, True) in pins) for sid in row.sessions if sid in columns],
        },
    )


def _plan_with_person(request: HttpRequest, pk: int, person_id: int) -> tuple[User, AllocationRun]:
    """The member of staff and the plan, read in their area, with the person in it: someone not in
    this plan is not found."""
    user, run = scoped(request, selectors.run_get, pk)
    selectors.person_row(selectors.review(run), person_id)
    return user, run


@staff_page(PLAN)
@require_POST
def person_remove(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    user, run = _plan_with_person(request, pk, person_id)
    form = bound(request, SessionChoiceForm)
    if not form.is_valid():
        return redirect("allocation:run", pk=pk)
    session_id = form.cleaned_data["session"]
    try:
        services.allocation_hand_edit(actor=user, run=run, action="remove", person_id=person_id, session_id=session_id)
    except ValidationError as error:
        return redirect_error(request, _first_message(error), "allocation:person", pk=pk, person_id=person_id)
    return redirect_success(
        request, "Taken off the session: a re-run will not put them back on it", "allocation:run", pk=pk
    )


@staff_page(PLAN)
@require_POST
def pin(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    user, run = _plan_with_person(request, pk, person_id)
    form = bound(request, PinForm)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.allocation_pin(
                actor=user, run=run, person_id=person_id, session_id=data["session"], pin=data["pin"]
            )
        except ValidationError as error:
            messages.error(request, _first_message(error))
        else:
            messages.success(request, "Pinned: a re-run keeps this choice" if data["pin"] else "Unpinned")
    return redirect("allocation:person", pk=pk, person_id=person_id)


def _new_run(request: HttpRequest, pk: int, start: Callable[..., AllocationRun]) -> HttpResponse:
    """Start a new run from this one (`start` is the service, given the actor and the run) and show
    it; when the service refuses, say why on this run's page."""
    user, run = scoped(request, selectors.run_get, pk)
    try:
        new = start(actor=user, run=run)
    except ValidationError as error:
        return redirect_error(request, _first_message(error), "allocation:run", pk=pk)
    return redirect("allocation:run", pk=new.pk)


@staff_page(PLAN)
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    return _new_run(request, pk, services.allocation_rerun)


@staff_page(PLAN)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    user, run = scoped(request, selectors.run_get, pk)
    if run.status != RunStatus.DONE:
        return redirect_error(request, "Only a plan ready to review can be published", "allocation:run", pk=pk)
    conflicts: list[str] = []
    if request.method == "POST":
        try:
            services.allocation_publish(actor=user, run=run)
        except ValidationError as error:
            conflicts = error.messages
        else:
            run.refresh_from_db()
            count = len(run.assignments) if run.kind == RunKind.PLAN else len(run.appointments)
            told = run.plan.get("supervisors_told", 0)
            message = (
                f"Plan published: {count} appointment{'s' if count != 1 else ''} booked; "
                f"{told} supervisor{'s' if told != 1 else ''} told by email"
            )
            return redirect_success(request, message, "allocation:run", pk=pk)
    return render(
        request, "allocation/publish.html", {"run": run, "review": selectors.review(run), "conflicts": conflicts}
    )


@staff_page(PLAN)
@require_POST
def replan(request: HttpRequest, pk: int) -> HttpResponse:
    return _new_run(request, pk, services.allocation_replan)


# ---------------------------------------------------------------------------------------------
# A week planned for every PDU of a region, or of the country


@staff_page(PLAN)
def batch_index(request: HttpRequest) -> HttpResponse:
    """Start a week's plans for a region or the country (regional and national staff), and the
    weeks started. A batch's own page is open to anyone with a run of it in their area."""
    user = staff_user(request)
    if not batches.may_plan_across(user):
        raise PermissionDenied(batches.ACROSS_PDUS)
    national = user.scope == Scope.NATIONAL
    form = bound(request, BatchForm, regions=regions_for(user), national=national, today=timezone.localdate())
    done = submit(
        form,
        lambda data: batches.allocation_batch_start(
            actor=user, week_start=data["week_start"], region=data["region"], time_limit=float(data["time_limit"])
        ),
    )
    if done.ok and done.value is not None:
        return redirect("allocation:batch", pk=done.value.pk)
    recent = batches.batches_for(user)[:20]
    return render(request, "allocation/batches.html", {"form": form, "batches": recent, "national": national})


@staff_page(PLAN)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, batch = scoped(request, batches.batch_get, pk)
    regions = batches.by_region(batch, user)
    context = {"batch": batch, "regions": regions, "status": batches.status_payload(regions)}
    return render(request, "allocation/batch.html", context)


@staff_page(PLAN)
@require_GET
def batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    user, batch = scoped(request, batches.batch_get, pk)
    response = JsonResponse(batches.status_payload(batches.by_region(batch, user)))
    response["Cache-Control"] = "no-store"
    return response


@staff_page(PLAN)
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user, batch = scoped(request, batches.batch_get, pk)
    run_id = request.POST.get("run", "")
    run = batch.runs.filter(pk=int(run_id)).first() if run_id.isdigit() else None
    if run_id and run is None:
        return redirect_error(request, "Choose a run of these plans", "allocation:batch", pk=pk)
    try:
        count = batches.allocation_batch_retry(actor=user, batch=batch, run=run)
    except ValidationError as error:
        return redirect_error(request, _first_message(error), "allocation:batch", pk=pk)
    message = f"{count} plan{'s' if count != 1 else ''} started again" if count else "No plan had failed"
    return redirect_success(request, message, "allocation:batch", pk=pk)


# ---------------------------------------------------------------------------------------------
# The capacity planner


@staff_page(PLAN)
def capacity_planner(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    pdus = pdus_for(user)
    projects = selectors.active_projects(user)
    start_pdu = selectors.planner_pdu(user, pdus)
    initial = {"pdu": start_pdu.pk if start_pdu else None, "scenario": ""}
    form = CapacityForm(request.GET or None, pdus=pdus, projects=projects, initial=initial)
    outlook = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        pdu, scenario, project = data["pdu"], data.get("scenario") or "", data.get("project")
    elif not form.is_bound and start_pdu is not None:
        pdu, scenario, project = start_pdu, "", None
    else:
        pdu = None
    if pdu is not None:
        outlook = capacity.outlook(
            pdu, start=capacity.first_week(today), today=today, scenario=scenario, project=project
        )
    return render(
        request,
        "allocation/capacity.html",
        {"form": form, "outlook": outlook, "chart": capacity.chart(outlook) if outlook else None},
    )
