"""Region and PDU scoping, in one place. Every selector that returns case data filters with
`scope_q`; an object outside the user's scope is simply not found (404)."""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from payback.core.selectors import found_or_404

from .models import ApiToken, Pdu, Region, Scope, Team, User
from .roles import PROBATION_PRACTITIONER, SENIOR_PROBATION_OFFICER

_M = TypeVar("_M", bound=Model)


def scope_q(user: User, *, pdu_field: str = "pdu") -> Q:
    """A filter that keeps only rows whose PDU lies within the user's scope."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.scope == Scope.NATIONAL:
        return Q()
    if user.scope == Scope.REGION and user.region_id:
        return Q(**{f"{pdu_field}__region_id": user.region_id})
    if user.scope == Scope.PDU and user.pdu_id:
        return Q(**{f"{pdu_field}_id": user.pdu_id})
    return Q(pk__in=[])


def in_area(model: type[_M], user: User, pdu_field: str = "pdu") -> QuerySet[_M]:
    """The model's records whose PDU (reached through `pdu_field`) lies within the user's scope."""
    return model._default_manager.filter(scope_q(user, pdu_field=pdu_field))


def pdus_for(user: User) -> QuerySet[Pdu]:
    return Pdu.objects.filter(_pdu_scope(user)).select_related("region")


def pdu_in_area(user: User, pk: int) -> Pdu | None:
    """The PDU with this id if it lies in the user's area."""
    return pdus_for(user).filter(pk=pk).first()


def _pdu_scope(user: User) -> Q:
    if user.scope == Scope.NATIONAL:
        return Q()
    if user.scope == Scope.REGION:
        return Q(region_id=user.region_id)
    return Q(pk=user.pdu_id or 0)


def regions_for(user: User) -> QuerySet[Region]:
    if user.scope == Scope.NATIONAL:
        return Region.objects.all()
    return Region.objects.filter(pk=user.region_id or 0)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The member of staff's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(user: User, pk: int) -> ApiToken:
    """One of the member of staff's own API tokens; anyone else's is not found."""
    return found_or_404(ApiToken.objects.all(), "token", pk=pk, user=user)


def holds_role(user: User, role: str) -> bool:
    return user.groups.filter(name=role).exists()


def teams_for(user: User) -> QuerySet[Team]:
    """The teams of the PDUs in the user's area, with their lead and PDU."""
    return in_area(Team, user).select_related("lead", "pdu", "pdu__region").order_by("pdu__name", "name", "id")


def team_get(user: User, pk: int) -> Team:
    return found_or_404(teams_for(user), "team", pk=pk)


def team_members(team: Team) -> QuerySet[User]:
    return team.members.filter(is_active=True).order_by("last_name", "first_name", "id")


def practitioners_in(pdu_id: int) -> QuerySet[User]:
    """The active probation practitioners working in a PDU, with their team."""
    return (
        User.objects.filter(is_active=True, pdu_id=pdu_id, groups__name=PROBATION_PRACTITIONER)
        .select_related("team")
        .order_by("last_name", "first_name", "id")
        .distinct()
    )


def seniors_for(user: User) -> QuerySet[User]:
    """The active senior probation officers working in a PDU of the user's area, who may lead a team."""
    return (
        in_area(User, user)
        .filter(is_active=True, groups__name=SENIOR_PROBATION_OFFICER)
        .select_related("pdu")
        .order_by("last_name", "first_name", "id")
        .distinct()
    )
