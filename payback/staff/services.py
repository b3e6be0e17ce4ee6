"""Staff writes: accounts, roles, teams and API tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record, save_audited

from .models import API_TOKEN_DAYS, API_TOKEN_MAX_DAYS, ApiToken, Pdu, Region, Scope, Team, User
from .roles import PROBATION_PRACTITIONER, ROLES, SENIOR_PROBATION_OFFICER
from .selectors import holds_role


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    scope: str,
    pdu: Pdu | None = None,
    region: Region | None = None,
    gender: str = "not_stated",
    password: str | None = None,
) -> User:
    if role not in {r.name for r in ROLES}:
        raise ValidationError({"role": "Choose a role from the list"})
    if scope == Scope.PDU and pdu is None:
        raise ValidationError({"pdu": "Choose the PDU this person works in"})
    if scope == Scope.REGION and region is None and pdu is None:
        raise ValidationError({"region": "Choose the region this person works in"})
    if pdu is not None:
        region = pdu.region
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        scope=scope,
        pdu=pdu if scope == Scope.PDU else None,
        region=region if scope != Scope.NATIONAL else None,
        gender=gender,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    save_audited(
        user,
        actor=actor,
        action="staff.created",
        summary=f"Staff account {username} created as {role} ({user.scope_label})",
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def team_create(*, actor: Any, name: str, pdu: Pdu | None, lead: User | None) -> Team:
    """A new team in a PDU, led by a senior probation officer who works there."""
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the team's name"
    elif len(name) > 100:
        errors["name"] = "The team's name must be 100 characters or fewer"
    elif pdu is not None and Team.objects.filter(pdu=pdu, name__iexact=name).exists():
        errors["name"] = f"{pdu} already has a team called {name}"
    if pdu is None:
        errors["pdu"] = "Select the PDU the team works in"
    problem = _lead_problem(lead, pdu)
    if problem:
        errors["lead"] = problem
    if errors:
        raise ValidationError(errors)
    team = Team(name=name, pdu=pdu, lead=lead)
    return save_audited(
        team, actor=actor, action="staff.team_created", summary=f"Team {name} created in {pdu}, led by {lead}"
    )


def _lead_problem(lead: User | None, pdu: Pdu | None) -> str | None:
    """Why `lead` cannot lead a team in `pdu`, if they cannot."""
    if lead is None:
        return "Select the senior probation officer who leads the team"
    if not lead.is_active or not holds_role(lead, SENIOR_PROBATION_OFFICER):
        return f"{lead} is not a senior probation officer: a team is led by one"
    if pdu is not None and lead.pdu_id != pdu.pk:
        return f"{lead} does not work in {pdu}: choose a senior probation officer there"
    return None


@transaction.atomic
def team_lead_change(*, actor: Any, team: Team, lead: User | None) -> Team:
    """Hand a team to another senior probation officer of its PDU. Its practitioners stay in it; the
    change is audited on the team."""
    team = Team.objects.select_for_update().select_related("pdu", "lead").get(pk=team.pk)
    problem = _lead_problem(lead, team.pdu)
    if problem is None and lead is not None and lead.pk == team.lead_id:
        problem = f"{lead} already leads {team}"
    if problem or lead is None:
        raise ValidationError({"lead": problem})
    before = team.lead
    team.lead = lead
    team.save(update_fields=["lead"])
    audit_record(
        actor=actor,
        action="staff.team_lead_changed",
        obj=team,
        summary=f"{team} is now led by {lead} (before, {before})",
        before={"lead": before.pk},
        after={"lead": lead.pk},
    )
    return team


@transaction.atomic
def team_member_remove(*, actor: Any, team: Team, practitioner: User | None) -> User:
    """Take a practitioner out of a team: they are in no team until added to one (audited on their
    account). Their cases stay theirs: reallocate them from the case if they are leaving."""
    if practitioner is None:
        raise ValidationError({"practitioner": "Select the practitioner to remove from the team"})
    practitioner = User.objects.select_for_update().get(pk=practitioner.pk)
    if practitioner.team_id != team.pk:
        raise ValidationError({"practitioner": f"{practitioner} is not in {team}"})
    practitioner.team = None
    practitioner.save(update_fields=["team"])
    audit_record(
        actor=actor,
        action="staff.team_member_removed",
        obj=practitioner,
        summary=f"{practitioner} removed from {team}",
        before={"team": team.pk},
        after={"team": None},
    )
    return practitioner


@transaction.atomic
def team_member_add(*, actor: Any, team: Team, practitioner: User | None) -> User:
    """Put a practitioner in a team, moving them from the team they were in (the move is audited on
    their account)."""
    if practitioner is None:
        raise ValidationError({"practitioner": "Select the practitioner to add to the team"})
    practitioner = User.objects.select_for_update().get(pk=practitioner.pk)
    if not practitioner.is_active or not holds_role(practitioner, PROBATION_PRACTITIONER):
        raise ValidationError({"practitioner": f"{practitioner} is not a probation practitioner"})
    if practitioner.pdu_id != team.pdu_id:
        raise ValidationError({"practitioner": f"{practitioner} does not work in {team.pdu}, where the team works"})
    if practitioner.team_id == team.pk:
        raise ValidationError({"practitioner": f"{practitioner} is already in {team}"})
    before = practitioner.team
    practitioner.team = team
    practitioner.save(update_fields=["team"])
    moved = f"moved from {before} to {team}" if before else f"added to {team}"
    audit_record(
        actor=actor,
        action="staff.team_member_moved",
        obj=practitioner,
        summary=f"{practitioner} {moved}",
        before={"team": before.pk if before else None},
        after={"team": team.pk},
    )
    return practitioner


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str, days: int = API_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """Create a token for an API client, working for `days` days. Returns the record and the token,
    shown only once."""
    if not user.is_active:
        raise ValidationError({"user": "This account is switched off: it cannot be given an API token"})
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": f"A token works for 1 to {API_TOKEN_MAX_DAYS} days"})
    raw = "pb_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw[:10],
        token_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    summary = f"API token {name} created for {user}, working until {timezone.localtime(token.expires_at):%d %B %Y}"
    return save_audited(token, actor=actor, action="staff.api_token_created", summary=summary), raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Stop a token working. The record stays, for the audit trail."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        summary = f"API token {token.name} revoked"
        audit_record(actor=actor, action="staff.api_token_revoked", obj=token, summary=summary)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, actor: Any, user: User) -> int:
    """Stop every working token of a member of staff (for example when they leave). Returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        api_token_revoke(actor=actor, token=token)
    return len(tokens)


LAST_USED_RESOLUTION = timedelta(minutes=5)


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
