"""Reading the kept figures for an area and a period, and which areas a member of staff may see.

Every user sees their own area and what lies within it, nothing wider: national staff the
country, regional staff their region, PDU staff their PDU, and a practitioner their own caseload."""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Max, Q, Sum
from django.http import Http404

from payback.core.policy import PolicyBook
from payback.staff.models import Pdu, Region, Scope, User
from payback.staff.roles import (
    HEAD_OF_UNPAID_WORK,
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    SENIOR_PROBATION_OFFICER,
    VIEW_FIGURES,
)

from . import measures
from .models import Grain, Level, Tally
from .rules import Period

NATIONAL_NAME = "England and Wales"
OVERSEERS = {HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, SENIOR_PROBATION_OFFICER, PLACEMENT_COORDINATOR}
CHILD = {Level.NATIONAL: Level.REGION, Level.REGION: Level.PDU, Level.PDU: Level.PRACTITIONER}


@dataclass(frozen=True)
class Area:
    level: str
    id: int
    name: str
    parent: "Area | None" = None
    region_code: str = ""  # for the region's own targets

    @property
    def trail(self) -> list["Area"]:
        """The areas above this one and itself, from the top."""
        return [*(self.parent.trail if self.parent else []), self]

    @property
    def child_level(self) -> str | None:
        return CHILD.get(Level(self.level))

    @property
    def child_label(self) -> str:
        return {Level.REGION: "Region", Level.PDU: "PDU", Level.PRACTITIONER: "Practitioner"}.get(
            Level(self.child_level) if self.child_level else Level.NATIONAL, ""
        )


def _national() -> Area:
    return Area(Level.NATIONAL, 0, NATIONAL_NAME)


def _region(region: Region) -> Area:
    return Area(Level.REGION, region.pk, region.name, _national(), region.code)


def _pdu(pdu: Pdu) -> Area:
    return Area(Level.PDU, pdu.pk, pdu.name, _region(pdu.region), pdu.region.code)


def _practitioner(user: User, pdu: Pdu) -> Area:
    return Area(Level.PRACTITIONER, user.pk, user.get_full_name() or user.username, _pdu(pdu), pdu.region.code)


def home_area(user: User) -> Area | None:
    """The widest area the user may see: a practitioner's is their own caseload."""
    if not user.is_authenticated or not user.has_perm(VIEW_FIGURES):
        return None
    if user.scope == Scope.NATIONAL:
        return _national()
    if user.scope == Scope.REGION and user.region is not None:
        return _region(user.region)
    if user.pdu is None:
        return None
    if OVERSEERS & set(user.role_names):
        return _pdu(user.pdu)
    return _practitioner(user, user.pdu)


def _within(home: Area, level: str, pk: int) -> Area | None:
    if level == Level.NATIONAL:
        return _national() if home.level == Level.NATIONAL else None
    if level == Level.REGION:
        region = Region.objects.filter(pk=pk).first()
        allowed = home.level == Level.NATIONAL or (home.level, home.id) == (Level.REGION, pk)
        return _region(region) if region is not None and allowed else None
    if level == Level.PDU:
        pdu = Pdu.objects.select_related("region").filter(pk=pk).first()
        return _pdu(pdu) if pdu and _contains(home, pdu) else None
    if level == Level.PRACTITIONER:
        person = User.objects.select_related("pdu__region").filter(pk=pk, pdu__isnull=False).first()
        if person is None or person.pdu is None:
            return None
        if home.level == Level.PRACTITIONER:
            return _practitioner(person, person.pdu) if home.id == pk else None
        return _practitioner(person, person.pdu) if _contains(home, person.pdu) else None
    return None


def _contains(home: Area, pdu: Pdu) -> bool:
    return (
        home.level == Level.NATIONAL
        or (home.level == Level.REGION and home.id == pdu.region_id)
        or (home.level == Level.PDU and home.id == pdu.pk)
    )


def area_get(user: User, level: str, pk: int) -> Area:
    """The area if the user may see it; 404 otherwise (an area outside theirs does not exist for them)."""
    home = home_area(user)
    area = _within(home, level, pk) if home is not None else None
    if area is None:
        raise Http404("No such area")
    return area


def children(area: Area) -> list[Area]:
    """The areas one level down: regions, PDUs, or the practitioners with cases in a PDU."""
    if area.level == Level.NATIONAL:
        return [_region(r) for r in Region.objects.order_by("name")]
    if area.level == Level.REGION:
        return [_pdu(p) for p in Pdu.objects.filter(region_id=area.id).select_related("region").order_by("name")]
    if area.level == Level.PDU:
        pdu = Pdu.objects.select_related("region").get(pk=area.id)
        people = User.objects.filter(caseload__pdu=pdu).distinct().order_by("last_name", "first_name")
        return [_practitioner(u, pdu) for u in people]
    return []


# ---------------------------------------------------------------------------------------------
# The kept figures


@dataclass
class Figures:
    """Each measure's value for one area and period (flows summed, stocks as they stood)."""

    values: dict[str, int] = field(default_factory=dict)
    stocks_on: date | None = None  # the day the stocks were counted, if any were

    def get(self, code: str) -> int | None:
        measure = measures.BY_CODE[code]
        if measure.kind == measures.STOCK and self.stocks_on is None:
            return None
        return self.values.get(code, 0)

    def rate(self, rate: measures.Rate) -> tuple[int, int] | None:
        numerator, denominator = self.get(rate.numerator), self.get(rate.denominator)
        if numerator is None or not denominator:
            return None
        return numerator, denominator


def _month_parts(period: Period) -> tuple[list[date], Q]:
    """The whole months within the period (read from month cells) and the other days (from day cells)."""
    months: list[date] = []
    days = Q(pk__in=[])
    start = period.start
    while start <= period.end:
        month_end = start.replace(day=1) + relativedelta(months=1, days=-1)
        end = min(month_end, period.end)
        if start.day == 1 and end == month_end:
            months.append(start)
        else:
            days |= Q(day__gte=start, day__lte=end)
        start = end + relativedelta(days=1)
    return months, days


def stocks_day(on: date) -> date | None:
    """The last day stocks were counted, on or before `on`."""
    return Tally.objects.filter(grain=Grain.SNAPSHOT, day__lte=on).aggregate(day=Max("day"))["day"]


def figures_for(level: str, ids: list[int], period: Period) -> dict[int, Figures]:
    """The figures of several areas of one level for a period, read in three queries."""
    found = {pk: Figures() for pk in ids}
    months, days = _month_parts(period)
    cells = Tally.objects.filter(level=level, area__in=ids)
    flows = cells.filter(Q(grain=Grain.MONTH, day__in=months) | (Q(grain=Grain.DAY) & days))
    for area, measure, total in flows.values_list("area", "measure").annotate(total=Sum("value")):
        found[area].values[measure] = total
    on = stocks_day(period.end)
    if on is not None and on >= period.start - relativedelta(days=7):
        for figures in found.values():
            figures.stocks_on = on
        for area, measure, value in cells.filter(grain=Grain.SNAPSHOT, day=on).values_list("area", "measure", "value"):
            found[area].values[measure] = value
    return found


def monthly(area: Area, code: str, first: date, last: date) -> list[tuple[date, int]]:
    """A flow month by month (each month whole, from its month cell), for trend charts."""
    cells = Tally.objects.filter(
        level=area.level, area=area.id, grain=Grain.MONTH, measure=code, day__gte=first, day__lte=last
    )
    kept = dict(cells.values_list("day", "value"))
    months, month = [], first
    while month <= last:
        months.append((month, kept.get(month, 0)))
        month += relativedelta(months=1)
    return months


def individual_target(area: Area, book: PolicyBook, on: date) -> int:
    """The individual placement target (%) for the area's region, or the default for the nation."""
    targets = book.value("individual_placement_target_percent", on)
    return int(targets.get(area.region_code, targets["default"]))
