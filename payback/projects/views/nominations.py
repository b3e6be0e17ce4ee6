"""The nominations register and a nomination's page: acknowledge, record how it came, accept or
reject."""

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payback.core.edge import bound, redirect_success, staff_page, staff_user, submit
from payback.core.registers import page_query, paginate
from payback.staff.roles import MANAGE_NOMINATIONS

from .. import selectors, services
from ..csv_download import register_filters
from ..forms import NominationAcceptForm, NominationRejectForm, ReferralMeansForm
from ..models import Nomination, NominationStatus


@staff_page(MANAGE_NOMINATIONS)
def nomination_list(request: HttpRequest) -> HttpResponse:
    form, filters = register_filters(request)
    today = timezone.localdate()
    page = paginate(request, selectors.nomination_register(staff_user(request), filters, today=today))
    rows = [{"nomination": n, "tag": selectors.acknowledgement_tag(n, today=today)} for n in page.object_list]
    query = page_query(request)
    return render(
        request,
        "projects/nomination_list.html",
        {"form": form, "page": page, "rows": rows, "page_query": urlencode(query, doseq=True), "today": today},
    )


def _nomination_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    nomination = selectors.nomination_get(staff_user(request), pk)
    today = timezone.localdate()
    return {
        "nomination": nomination,
        "tag": selectors.acknowledgement_tag(nomination, today=today),
        "undecided": nomination.status in (NominationStatus.NEW, NominationStatus.ACKNOWLEDGED),
        "today": today,
    }


@staff_page(MANAGE_NOMINATIONS)
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "projects/nomination_detail.html", _nomination_context(request, pk))


@staff_page(MANAGE_NOMINATIONS)
@require_POST
def nomination_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    try:
        services.nomination_acknowledge(actor=staff_user(request), nomination=nomination)
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "projects/nomination_detail.html", context, status=400)
    return redirect_success(
        request, f"Acknowledgement sent to {nomination.nominator_email}", "projects:nomination", pk=pk
    )


@staff_page(MANAGE_NOMINATIONS)
def nomination_referral(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    form = bound(request, ReferralMeansForm, initial={"referral_means": nomination.referral_means})
    done = submit(
        form,
        lambda data: services.nomination_set_referral_means(
            actor=staff_user(request), nomination=nomination, referral_means=data["referral_means"]
        ),
    )
    if done.ok:
        return redirect_success(request, "Means of referral recorded", "projects:nomination", pk=pk)
    context["form"] = form
    return render(request, "projects/nomination_referral.html", context)


@staff_page(MANAGE_NOMINATIONS)
def nomination_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    if not context["undecided"]:
        return redirect("projects:nomination", pk=pk)
    form = bound(request, NominationAcceptForm, beneficiaries=selectors.beneficiaries_for(user))
    done = submit(
        form,
        lambda data: services.nomination_accept(
            actor=user,
            nomination=nomination,
            project_name=data["project_name"],
            beneficiary=data["beneficiary"],
            new_beneficiary=form.new_beneficiary(),
        ),
        rename={"nomination": "beneficiary"},
    )
    if done.ok and (project := done.value) is not None:
        message = f"Nomination {nomination.reference} accepted: draft project {project.name}"
        return redirect_success(request, message, "projects:project", pk=project.pk)
    context["form"] = form
    return render(request, "projects/nomination_accept.html", context)


@staff_page(MANAGE_NOMINATIONS)
def nomination_reject(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    if not context["undecided"]:
        return redirect("projects:nomination", pk=pk)
    form = bound(request, NominationRejectForm)
    done = submit(
        form,
        lambda data: services.nomination_reject(
            actor=staff_user(request), nomination=nomination, reason=data["reason"], detail=data["detail"]
        ),
    )
    if done.ok:
        return redirect_success(request, f"Nomination {nomination.reference} rejected", "projects:nomination", pk=pk)
    context["form"] = form
    return render(request, "projects/nomination_reject.html", context)
