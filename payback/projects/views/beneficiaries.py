"""The beneficiaries register, and a beneficiary's page, new and edit forms."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.core.edge import bound, redirect_success, scoped, staff_page, staff_user, submit
from payback.core.registers import page_query, paginate, read_filters
from payback.staff.roles import MANAGE_PROJECTS, VIEW_PROJECTS
from payback.staff.selectors import pdus_for

from .. import selectors, services
from ..forms import BeneficiaryFilterForm, BeneficiaryForm


@staff_page(VIEW_PROJECTS)
def beneficiary_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form, data = read_filters(request, BeneficiaryFilterForm)
    beneficiaries = selectors.beneficiary_search(user, kind=data.get("kind") or "", q=data.get("q") or "")
    return render(
        request,
        "projects/beneficiary_list.html",
        {
            "form": form,
            "page": paginate(request, beneficiaries),
            "page_query": urlencode(page_query(request)),
            "can_manage": user.has_perm(MANAGE_PROJECTS),
        },
    )


@staff_page(MANAGE_PROJECTS)
def beneficiary_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = bound(request, BeneficiaryForm, pdus=pdus_for(user), initial={"pdu": user.pdu_id} if user.pdu_id else {})
    done = submit(form, lambda data: services.beneficiary_create(actor=user, pdu=data["pdu"], **form.values()))
    if done.ok and (beneficiary := done.value) is not None:
        return redirect_success(
            request, f"Beneficiary {beneficiary.name} recorded", "projects:beneficiary", pk=beneficiary.pk
        )
    return render(request, "projects/beneficiary_form.html", {"form": form, "beneficiary": None})


@staff_page(VIEW_PROJECTS)
def beneficiary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, beneficiary = scoped(request, selectors.beneficiary_get, pk)
    return render(
        request,
        "projects/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "projects": selectors.beneficiary_projects(user, beneficiary),
            "nominations": selectors.beneficiary_nominations(user, beneficiary),
            "surveys": selectors.beneficiary_surveys(user, beneficiary, today=timezone.localdate()),
            "can_manage": user.has_perm(MANAGE_PROJECTS),
        },
    )


@staff_page(MANAGE_PROJECTS)
def beneficiary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, beneficiary = scoped(request, selectors.beneficiary_get, pk)
    initial = {name: getattr(beneficiary, name) for name in services.BENEFICIARY_FIELDS}
    form = bound(request, BeneficiaryForm, initial=initial)
    if submit(form, lambda _: services.beneficiary_update(actor=user, beneficiary=beneficiary, **form.values())).ok:
        return redirect_success(request, f"Beneficiary {beneficiary.name} updated", "projects:beneficiary", pk=pk)
    return render(request, "projects/beneficiary_form.html", {"form": form, "beneficiary": beneficiary})
