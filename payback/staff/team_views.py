"""Team pages: the teams of the user's area, a new team, a team's practitioners (add, move or remove
one) and who leads it."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.edge import bound, pick, redirect_success, staff_page, staff_user, submit
from payback.core.fields import record_choice, set_choices, text_field

from .fields import StaffChoice, with_team
from .models import Pdu, Team, User
from .roles import MANAGE_CASELOADS, VIEW_CASES
from .selectors import pdus_for, practitioners_in, seniors_for, team_get, team_members, teams_for
from .services import team_create, team_lead_change, team_member_add, team_member_remove


class TeamForm(forms.Form):
    name = text_field("Team name", max_length=100, required=True, required_message="Enter the team's name")
    pdu = record_choice("PDU", Pdu, noun="PDU")
    lead = record_choice("Led by", User, noun="senior probation officer")

    def __init__(self, *args: Any, pdus: Any, seniors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "pdu", pdus)
        set_choices(self, "lead", seniors)


class LeadForm(forms.Form):
    lead = record_choice("Led by", User, noun="senior probation officer")

    def __init__(self, *args: Any, seniors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "lead", seniors)


class RemoveForm(forms.Form):
    practitioner = record_choice(
        "Practitioner to remove", User, noun="practitioner", required_message="Select the practitioner to remove"
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "practitioner", members)


class MemberForm(forms.Form):
    practitioner = StaffChoice(
        "Practitioner",
        empty_label="Select a practitioner",
        required_message="Select the practitioner to add to the team",
        invalid_message="Select a practitioner from the list",
        shown_as=with_team("no team"),
    )

    def __init__(self, *args: Any, practitioners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "practitioner", practitioners)


@staff_page(VIEW_CASES)
def teams(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = [{"team": team, "members": list(team_members(team))} for team in teams_for(user)]
    return render(request, "staff/teams.html", {"rows": rows, "can_manage": user.has_perm(MANAGE_CASELOADS)})


@staff_page(MANAGE_CASELOADS)
def team_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    initial = {"pdu": user.pdu_id, "lead": user.pk if user.pdu_id else None}
    form = bound(request, TeamForm, pdus=pdus_for(user), seniors=seniors_for(user), initial=initial)
    done = submit(form, lambda data: team_create(actor=user, **pick(data, "name", "pdu", "lead")))
    if done.ok and done.value is not None:
        return redirect_success(request, f"Team {done.value.name} created", "staff:team", pk=done.value.pk)
    return render(request, "staff/team_form.html", {"form": form})


@staff_page(VIEW_CASES)
def team(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    found: Team = team_get(user, pk)
    can_manage = user.has_perm(MANAGE_CASELOADS)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("You do not have permission to change teams")
    choices = practitioners_in(found.pdu_id).exclude(team=found)
    form = bound(request, MemberForm, practitioners=choices)
    done = submit(form, lambda data: team_member_add(actor=user, team=found, practitioner=data["practitioner"]))
    if done.ok and done.value is not None:
        return redirect_success(request, f"{done.value} is now in {found}", "staff:team", pk=pk)
    context = {"team": found, "members": team_members(found), "form": form, "can_manage": can_manage}
    return render(request, "staff/team.html", context)


def _team_to_change(request: HttpRequest, pk: int) -> tuple[User, Team]:
    user = staff_user(request)
    return user, team_get(user, pk)


@staff_page(MANAGE_CASELOADS)
def team_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the team to another senior probation officer of its PDU."""
    user, found = _team_to_change(request, pk)
    seniors = seniors_for(user).filter(pdu=found.pdu_id)
    form = bound(request, LeadForm, seniors=seniors, initial={"lead": found.lead_id})
    done = submit(form, lambda data: team_lead_change(actor=user, team=found, lead=data["lead"]))
    if done.ok and done.value is not None:
        return redirect_success(request, f"{done.value} is now led by {done.value.lead}", "staff:team", pk=pk)
    context = {"team": found, "form": form, "heading": "Change who leads the team", "button": "Change the lead"}
    return render(request, "staff/team_change.html", context)


@staff_page(MANAGE_CASELOADS)
def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a practitioner out of the team."""
    user, found = _team_to_change(request, pk)
    form = bound(request, RemoveForm, members=team_members(found))
    done = submit(form, lambda data: team_member_remove(actor=user, team=found, practitioner=data["practitioner"]))
    if done.ok and done.value is not None:
        return redirect_success(request, f"{done.value} is no longer in {found}", "staff:team", pk=pk)
    context = {
        "team": found,
        "form": form,
        "heading": "Remove a practitioner from the team",
        "button": "Remove from the team",
        "intro": "They will be in no team until they are added to one. Their cases stay with them: "
        "reallocate them from each case if they are leaving.",
    }
    return render(request, "staff/team_change.html", context)
