"""Demo data: staff in every role, and cases with plausible histories, at four sizes.

Everything is built in memory and written with `bulk_create`, a few thousand requirements at
a time, inside one transaction, so a failure leaves nothing half-seeded. The per-case
services are not called (at national size they would take hours), but the same rules hold:
key dates and completion windows come from the policy in force, credits never exceed what
is owed, ETE stays within its cap and travel adjustments within theirs, a correction is a
reversing entry of the same kind, status changes follow the allowed transitions, and every
change has its audit event. Each requirement's ledger is checked with the pure rules in
`rules.py` before it is written. See docs/demo-data.md.
"""

import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from faker import Faker

from payback.core.formatting import format_minutes
from payback.core.models import AuditEvent
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.workingdays import add_working_days, is_working_day
from payback.staff.management.commands.demo_signins import (
    DEMO_ACCOUNTS,
    DEMO_LONDON_PDU,
    DEMO_PASSWORD,
    DEMO_PDU,
    DEMO_REGION,
)
from payback.staff.models import Gender, Pdu, Region, Scope, User
from payback.staff.roles import (
    CASE_ADMINISTRATOR,
    HEAD_OF_UNPAID_WORK,
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    PROBATION_PRACTITIONER,
    SENIOR_PROBATION_OFFICER,
    SUPERVISOR,
    sync_roles,
)

from . import rules
from .models import (
    CLOSED_STATUSES,
    CaseStatus,
    CaseStatusChange,
    DiversityInformation,
    LedgerEntry,
    LedgerKind,
    Order,
    OrderType,
    Person,
    Requirement,
    Sex,
)
from .services import STATUS_TRANSITIONS, ledger_totals_rebuild, requirement_due_dates_rebuild

S = CaseStatus
K = LedgerKind
LONDON = ZoneInfo("Europe/London")
DEFAULT_SEED = 2026
BATCH_SIZE = 5_000
CHUNK_REQUIREMENTS = 2_000  # requirements built in memory before they are written
SENTENCE_SPAN_DAYS = 608  # about 20 months of sentences

SIZES: dict[str, str] = {
    "small": "about 300 requirements across the North East's PDUs (80 in Newcastle upon Tyne) and 40 in London",
    "pdu": "about 1,500 requirements in Newcastle upon Tyne and 100 in London",
    "region": "about 12,000 requirements across the North East and 300 in London",
    "national": "about 100,000 requirements across all 12 regions, in proportion to their caseloads",
}

# Share of the national caseload by region (London largest).
REGION_SHARE = {
    "LON": 16,
    "NW": 12,
    "YH": 10,
    "WM": 10,
    "GM": 8,
    "KSS": 8,
    "EE": 8,
    "EM": 8,
    "SC": 6,
    "SW": 6,
    "WA": 5,
    "NE": 5,
}
# The fixed demo practitioners' caseloads (people), and where they work.
FIXED_CASELOAD = {DEMO_PDU: 60, DEMO_LONDON_PDU: 30}

# ---------------------------------------------------------------------------------------------
# Distributions

HOURS = {40: 8, 50: 3, 60: 14, 70: 3, 80: 14, 90: 3, 100: 13, 120: 13, 150: 10, 180: 3, 200: 7, 240: 2, 250: 4, 300: 3}
SESSION_MINUTES = {240: 1, 270: 1, 300: 2, 330: 2, 360: 4, 390: 2, 420: 5}
SSO_SHARE = 0.15
SSO_MONTHS = {12: 40, 18: 25, 24: 30, 15: 5}
FEMALE_SHARE = 0.15
SEX_NOT_KNOWN_SHARE = 0.004
SECOND_ORDER_SHARE = 0.04

WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
ETHNICITY = {
    WHITE_BRITISH: (78, 35),  # (weight outside London, weight in London)
    "White: Irish": (0.5, 1),
    "White: Gypsy or Irish Traveller": (1, 0.5),
    "White: Roma": (0.3, 0.5),
    "White: any other White background": (5, 12),
    "Mixed: White and Black Caribbean": (2, 5),
    "Mixed: White and Black African": (0.4, 1.5),
    "Mixed: White and Asian": (0.5, 1.2),
    "Mixed: any other Mixed or multiple ethnic background": (0.8, 3),
    "Asian or Asian British: Indian": (1, 3),
    "Asian or Asian British: Pakistani": (3, 3),
    "Asian or Asian British: Bangladeshi": (0.6, 4),
    "Asian or Asian British: Chinese": (0.2, 0.5),
    "Asian or Asian British: any other Asian background": (0.8, 3),
    "Black or Black British: Caribbean": (1.2, 9),
    "Black or Black British: African": (1.5, 10),
    "Black or Black British: any other Black background": (0.6, 4),
    "Other ethnic group: Arab": (0.4, 1.5),
    "Other ethnic group: any other ethnic group": (0.6, 2.5),
    "Prefer not to say": (1.5, 2),
}
RELIGION = {
    "No religion": 45,
    "Christian": 33,
    "Muslim": 7,
    "Hindu": 0.8,
    "Sikh": 1,
    "Buddhist": 0.6,
    "Jewish": 0.3,
    "Rastafarian": 0.5,
    "Pagan": 0.4,
    "Any other religion": 0.8,
    "Prefer not to say": 8,
}
RELIGION_BY_ETHNICITY = {
    "Asian or Asian British: Pakistani": {"Muslim": 88, "No religion": 6, "Prefer not to say": 6},
    "Asian or Asian British: Bangladeshi": {"Muslim": 90, "No religion": 5, "Prefer not to say": 5},
    "Other ethnic group: Arab": {"Muslim": 80, "Christian": 8, "No religion": 7, "Prefer not to say": 5},
    "Asian or Asian British: Indian": {"Sikh": 38, "Hindu": 35, "Muslim": 14, "No religion": 8, "Christian": 5},
}
DISABILITY = {
    "": 62,
    "Mental health condition: anxiety and depression": 14,
    "Mental health condition: post-traumatic stress disorder": 2,
    "Long-term health condition: asthma": 4,
    "Long-term health condition: type 1 diabetes": 1.5,
    "Epilepsy": 1,
    "Physical impairment: back injury, no heavy lifting": 4,
    "Mobility: walks with a stick, no uneven ground": 1.5,
    "Learning disability": 3,
    "Hearing impairment": 1,
    "Visual impairment": 0.7,
    "Prefer not to say": 4,
}
NEURODIVERSITY = {
    "": 82,
    "ADHD": 6,
    "Dyslexia": 6,
    "Autism": 2.5,
    "Dyspraxia": 1,
    "Acquired brain injury": 1.5,
    "Prefer not to say": 1,
}
GENDER_IDENTITY = {
    "Same as sex registered at birth": 93,
    "Different from sex registered at birth": 0.7,
    "Prefer not to say": 6.3,
}
SEXUAL_ORIENTATION = {
    "Heterosexual or straight": 88,
    "Gay or lesbian": 2,
    "Bisexual": 2,
    "Other sexual orientation": 0.5,
    "Prefer not to say": 7.5,
}
OTHER_LANGUAGES = {
    "Polish": 20,
    "Romanian": 15,
    "Lithuanian": 7,
    "Urdu": 7,
    "Punjabi": 5,
    "Bengali": 5,
    "Arabic": 5,
    "Portuguese": 4,
    "Somali": 3,
    "Kurdish": 4,
    "Albanian": 4,
    "Tigrinya": 2,
}
PAUSE_REASONS = (
    "Medical: signed off by GP",
    "In custody on remand",
    "Hospital admission",
    "Pregnancy: on medical advice",
    "Caring for a family member in hospital",
    "Broken wrist: unfit for manual work",
)
TRAVEL_REASONS = (
    "Travel to an individual placement over an hour each way",
    "Rural address: two buses to the pick-up point",
    "Travel to the women-only project in another town",
)
ETE_REASONS = (
    "English and maths functional skills, level 1",
    "CSCS card and health and safety training",
    "Forklift licence course",
    "Employability workshop with the jobcentre",
    "Food hygiene level 2 certificate",
    "First aid at work course",
    "Digital skills course at the library",
    "Construction skills course at the college",
)
CORRECTION_REASONS = (
    "Entered twice: the same session was recorded again",
    "Wrong hours: finished at 14:30, not 15:30",
    "Credited to the wrong session date",
    "Left early and was not sent back: time worked was less",
)
TRANSFER_REASONS = ("Moved to another region", "Moved address: case transferred to the new PDU")

# Magistrates' courts in each PDU's area and the Crown Court that serves it.
COURTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "County Durham and Darlington": ("Durham", ("Durham", "Darlington", "Peterlee")),
    "Gateshead and South Tyneside": ("Newcastle", ("Gateshead", "South Tyneside")),
    "Newcastle upon Tyne": ("Newcastle", ("Newcastle",)),
    "North Tyneside and Northumberland": ("Newcastle", ("North Tyneside", "Bedlington", "Berwick")),
    "Redcar, Cleveland and Middlesbrough": ("Teesside", ("Teesside",)),
    "Stockton and Hartlepool": ("Teesside", ("Teesside", "Hartlepool")),
    "Sunderland": ("Newcastle", ("Sunderland",)),
    "Blackburn": ("Preston", ("Blackburn",)),
    "Blackpool": ("Preston", ("Blackpool",)),
    "Central Lancashire": ("Preston", ("Preston", "Chorley")),
    "Cumbria": ("Carlisle", ("Carlisle", "Workington", "Barrow-in-Furness")),
    "East Lancashire": ("Burnley", ("Burnley",)),
    "Knowsley and St Helens": ("Liverpool", ("Knowsley", "St Helens")),
    "Liverpool North": ("Liverpool", ("Liverpool",)),
    "Liverpool South": ("Liverpool", ("Liverpool",)),
    "North West Lancashire": ("Lancaster", ("Lancaster",)),
    "Sefton": ("Liverpool", ("Sefton",)),
    "Warrington and Halton": ("Warrington", ("Warrington", "Halton")),
    "Wirral": ("Liverpool", ("Wirral",)),
    "Cheshire East": ("Chester", ("Crewe", "Macclesfield")),
    "Cheshire West": ("Chester", ("Chester",)),
    "Bradford and Calderdale": ("Bradford", ("Bradford", "Calderdale")),
    "Doncaster": ("Doncaster", ("Doncaster",)),
    "Hull": ("Hull", ("Hull",)),
    "Kirklees": ("Leeds", ("Kirklees",)),
    "Leeds": ("Leeds", ("Leeds",)),
    "North Lincolnshire and North East Lincolnshire": ("Grimsby", ("Grimsby", "Scunthorpe")),
    "North Yorkshire": ("York", ("Harrogate", "Scarborough", "Northallerton")),
    "Rotherham": ("Sheffield", ("Rotherham",)),
    "Sheffield": ("Sheffield", ("Sheffield",)),
    "Wakefield": ("Leeds", ("Wakefield",)),
    "York": ("York", ("York",)),
    "East Riding": ("Hull", ("Beverley", "Bridlington")),
    "Barnsley": ("Sheffield", ("Barnsley",)),
    "Bolton": ("Bolton", ("Bolton",)),
    "Bury and Rochdale": ("Manchester", ("Bury", "Rochdale")),
    "Manchester North": ("Manchester", ("Manchester",)),
    "Manchester South": ("Manchester", ("Manchester",)),
    "Oldham": ("Manchester", ("Oldham",)),
    "Salford": ("Manchester", ("Salford",)),
    "Stockport and Trafford": ("Manchester", ("Stockport", "Trafford")),
    "Tameside": ("Manchester", ("Tameside",)),
    "Wigan": ("Bolton", ("Wigan",)),
    "Derby City": ("Derby", ("Derby",)),
    "Derbyshire": ("Derby", ("Chesterfield", "Buxton")),
    "Leicester": ("Leicester", ("Leicester",)),
    "Leicestershire and Rutland": ("Leicester", ("Loughborough", "Market Harborough")),
    "Lincolnshire": ("Lincoln", ("Lincoln", "Boston", "Grantham", "Skegness")),
    "Northamptonshire": ("Northampton", ("Northampton", "Corby", "Wellingborough")),
    "Nottingham City": ("Nottingham", ("Nottingham",)),
    "Nottinghamshire": ("Nottingham", ("Mansfield", "Worksop", "Newark")),
    "Birmingham Central and South": ("Birmingham", ("Birmingham",)),
    "Birmingham North, East and Solihull": ("Birmingham", ("Birmingham", "Solihull")),
    "Coventry": ("Coventry", ("Coventry",)),
    "Dudley and Sandwell": ("Wolverhampton", ("Dudley", "Sandwell")),
    "Herefordshire, Shropshire and Telford": ("Shrewsbury", ("Hereford", "Shrewsbury", "Telford")),
    "Staffordshire North": ("Stoke-on-Trent", ("North Staffordshire",)),
    "Staffordshire South": ("Stafford", ("Cannock", "South East Staffordshire")),
    "Walsall and Wolverhampton": ("Wolverhampton", ("Walsall", "Wolverhampton")),
    "Warwickshire": ("Warwick", ("Leamington Spa", "Nuneaton")),
    "Worcestershire": ("Worcester", ("Worcester", "Kidderminster", "Redditch")),
    "Bedfordshire": ("Luton", ("Luton", "Bedford")),
    "Cambridgeshire": ("Cambridge", ("Cambridge", "Huntingdon")),
    "Essex North": ("Chelmsford", ("Colchester", "Chelmsford")),
    "Essex South": ("Basildon", ("Basildon", "Southend")),
    "Hertfordshire": ("St Albans", ("St Albans", "Stevenage", "Hatfield")),
    "Norfolk": ("Norwich", ("Norwich", "King's Lynn", "Great Yarmouth")),
    "Peterborough": ("Peterborough", ("Peterborough",)),
    "Suffolk": ("Ipswich", ("Ipswich", "Bury St Edmunds", "Lowestoft")),
    "Cardiff and the Vale": ("Cardiff", ("Cardiff", "Vale of Glamorgan")),
    "Cwm Taf Morgannwg": ("Merthyr Tydfil", ("Merthyr Tydfil", "Pontypridd", "Bridgend")),
    "Dyfed-Powys": ("Swansea", ("Llanelli", "Aberystwyth", "Haverfordwest")),
    "Gwent": ("Newport", ("Newport", "Cwmbran")),
    "North Wales": ("Mold", ("Llandudno", "Mold", "Wrexham", "Caernarfon")),
    "Swansea, Neath and Port Talbot": ("Swansea", ("Swansea", "Neath Port Talbot")),
    "Bath, North East Somerset and Wiltshire": ("Salisbury", ("Bath", "Swindon", "Chippenham")),
    "Bristol and South Gloucestershire": ("Bristol", ("Bristol",)),
    "Cornwall and Isles of Scilly": ("Truro", ("Truro", "Bodmin")),
    "Devon and Torbay": ("Exeter", ("Exeter", "Torquay", "Barnstaple")),
    "Dorset": ("Bournemouth", ("Bournemouth", "Weymouth", "Poole")),
    "Gloucestershire": ("Gloucester", ("Cheltenham", "Gloucester")),
    "Plymouth": ("Plymouth", ("Plymouth",)),
    "Somerset": ("Taunton", ("Taunton", "Yeovil")),
    "Buckinghamshire and Milton Keynes": ("Aylesbury", ("Milton Keynes", "High Wycombe", "Aylesbury")),
    "Hampshire North and East": ("Winchester", ("Basingstoke", "Aldershot")),
    "Hampshire South and Isle of Wight": ("Southampton", ("Fareham", "Isle of Wight")),
    "Oxfordshire": ("Oxford", ("Oxford", "Banbury")),
    "Portsmouth": ("Portsmouth", ("Portsmouth",)),
    "Southampton": ("Southampton", ("Southampton",)),
    "West Berkshire, Reading and Wokingham": ("Reading", ("Reading", "Newbury")),
    "East Berkshire": ("Reading", ("Slough", "Maidenhead")),
    "Brighton and East Sussex": ("Lewes", ("Brighton", "Hastings", "Eastbourne")),
    "East Kent": ("Canterbury", ("Canterbury", "Margate", "Folkestone")),
    "North Kent and Medway": ("Maidstone", ("Medway", "Dartford")),
    "Surrey": ("Guildford", ("Guildford", "Staines", "Redhill")),
    "West Kent": ("Maidstone", ("Maidstone", "Sevenoaks")),
    "West Sussex": ("Chichester", ("Worthing", "Crawley")),
    "Barking, Dagenham and Havering": ("Snaresbrook", ("Barkingside", "Romford")),
    "Barnet, Enfield and Haringey": ("Wood Green", ("Hendon", "Highbury Corner")),
    "Brent": ("Harrow", ("Willesden",)),
    "Camden and Islington": ("Blackfriars", ("Highbury Corner",)),
    "Croydon": ("Croydon", ("Croydon",)),
    "Ealing and Hillingdon": ("Isleworth", ("Ealing", "Uxbridge")),
    "Greenwich and Bexley": ("Woolwich", ("Bexley",)),
    "Hackney and City": ("Snaresbrook", ("Thames", "City of London")),
    "Hammersmith, Fulham, Kensington, Chelsea and Westminster": ("Southwark", ("Westminster",)),
    "Lambeth": ("Inner London", ("Camberwell Green",)),
    "Lewisham and Bromley": ("Woolwich", ("Bromley",)),
    "Newham": ("Snaresbrook", ("Stratford",)),
    "Redbridge and Waltham Forest": ("Snaresbrook", ("Barkingside", "Stratford")),
    "Southwark": ("Inner London", ("Camberwell Green",)),
    "Tower Hamlets": ("Snaresbrook", ("Thames",)),
    "Wandsworth, Merton, Kingston, Richmond and Sutton": ("Kingston", ("Wimbledon", "Lavender Hill")),
    "Hounslow": ("Isleworth", ("Feltham",)),
    "Harrow": ("Harrow", ("Willesden",)),
}
# Towns for addresses where the court's name is not one.
ADDRESS_TOWN = {
    "Newcastle": "Newcastle upon Tyne",
    "Teesside": "Middlesbrough",
    "North Tyneside": "North Shields",
    "South Tyneside": "South Shields",
    "Calderdale": "Halifax",
    "Kirklees": "Huddersfield",
    "Sefton": "Bootle",
    "Wirral": "Birkenhead",
    "Knowsley": "Huyton",
    "Halton": "Runcorn",
    "Tameside": "Ashton-under-Lyne",
    "Trafford": "Sale",
    "Sandwell": "West Bromwich",
    "North Staffordshire": "Stoke-on-Trent",
    "South East Staffordshire": "Burton upon Trent",
    "Vale of Glamorgan": "Barry",
    "Neath Port Talbot": "Neath",
    "Isle of Wight": "Newport, Isle of Wight",
    "Medway": "Chatham",
}
POSTCODE_AREAS: dict[str, tuple[str, ...]] = {
    "NE01": ("DH", "DL"),
    "NE02": ("NE",),
    "NE03": ("NE",),
    "NE04": ("NE",),
    "NE05": ("TS",),
    "NE06": ("TS",),
    "NE07": ("SR",),
    "NW": ("L", "PR", "BB", "FY", "CA", "LA", "WA", "CH", "CW"),
    "YH": ("LS", "BD", "HX", "HD", "S", "DN", "HU", "YO", "HG", "WF"),
    "GM": ("M", "BL", "OL", "SK", "WN"),
    "EM": ("DE", "NG", "LE", "LN", "NN"),
    "WM": ("B", "CV", "DY", "WV", "WS", "ST", "HR", "SY", "TF", "WR"),
    "EE": ("LU", "MK", "CB", "CM", "CO", "SS", "AL", "SG", "NR", "PE", "IP"),
    "WA": ("CF", "SA", "NP", "LL", "LD"),
    "SW": ("BA", "BS", "SN", "TR", "PL", "EX", "TQ", "BH", "DT", "GL", "TA"),
    "SC": ("HP", "MK", "RG", "SO", "PO", "OX", "SL", "GU"),
    "KSS": ("BN", "CT", "ME", "TN", "GU", "RH", "DA"),
    "LON": ("E", "N", "SE", "SW", "W", "NW", "IG", "RM", "HA", "UB", "TW", "CR", "BR", "EN"),
}
STREET_KINDS = ("Road", "Street", "Avenue", "Close", "Terrace", "Way", "Gardens", "Crescent", "Drive", "Lane", "Grove")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
CRN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
JOB_TITLES = {
    PROBATION_PRACTITIONER: ("Probation Officer", "Probation Services Officer"),
    SENIOR_PROBATION_OFFICER: ("Senior Probation Officer",),
    PLACEMENT_COORDINATOR: ("Placement Coordinator",),
    SUPERVISOR: ("Community Payback Supervisor",),
    OPERATIONS_MANAGER: ("Operations Manager",),
    HEAD_OF_UNPAID_WORK: ("Head of Unpaid Work",),
    CASE_ADMINISTRATOR: ("Case Administrator",),
}
FEMALE_STAFF_SHARE = {SUPERVISOR: 0.3, PROBATION_PRACTITIONER: 0.65, SENIOR_PROBATION_OFFICER: 0.6}


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


class DemoDataError(RuntimeError):
    """The generator built something the rules do not allow (a bug in the generator)."""


@dataclass
class SeedResult:
    size: str
    seconds: float
    counts: dict[str, int]

    def summary(self) -> str:
        c = Counter(self.counts)
        return (
            f"Seeded '{self.size}' demo data in {self.seconds:.1f} s: {c['staff']:,} staff, {c['people']:,} people, "
            f"{c['requirements']:,} requirements, {c['ledger_entries']:,} ledger entries "
            f"({c['corrections']:,} corrections), {c['status_changes']:,} status changes, "
            f"{c['audit_events']:,} audit events."
        )


# ---------------------------------------------------------------------------------------------
# Progress on the terminal


class Progress:
    """A progress bar for one phase: percentage, count and rate. Redraws in place on a
    terminal; elsewhere (logs, tests) writes only the final line."""

    def __init__(self, label: str, total: int, unit: str, stream: Stream | None) -> None:
        self.label, self.total, self.unit, self.stream = label, max(total, 1), unit, stream
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        isatty = getattr(stream, "isatty", None)
        self.live = bool(stream is not None and callable(isatty) and isatty())

    def advance(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if self.live and now - self._drawn > 0.1:
            self._drawn = now
            self._draw("\r")

    def finish(self) -> None:
        self._draw("\r" if self.live else "")
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, prefix: str) -> None:
        if self.stream is None:
            return
        elapsed = time.perf_counter() - self.started
        share = min(1.0, self.done / self.total)
        bar = "#" * int(share * 30)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        self.stream.write(
            f"{prefix}{self.label:<8} [{bar:<30}] {share * 100:5.1f}%  {self.done:>9,} {self.unit}"
            f"  {rate:>8,.0f}/s  {elapsed:6.1f} s"
        )
        self.stream.flush()


# ---------------------------------------------------------------------------------------------
# Helpers


def _weighted(rng: random.Random, table: Mapping[Any, float]) -> Callable[[], Any]:
    """A fast sampler for a weight table."""
    keys = list(table)
    cumulative: list[float] = []
    total = 0.0
    for key in keys:
        total += table[key]
        cumulative.append(total)

    def pick() -> Any:
        return rng.choices(keys, cum_weights=cumulative)[0]

    return pick


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` split in proportion to `weights`, exactly (largest remainder)."""
    weight_sum = sum(weights.values())
    raw = {key: total * w / weight_sum for key, w in weights.items()}
    counts = {key: int(value) for key, value in raw.items()}
    short = total - sum(counts.values())
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[:short]:
        counts[key] += 1
    return counts


@contextmanager
def _historical_timestamps() -> Iterator[None]:
    """Let bulk_create keep the historical times set on each row instead of stamping 'now'
    (auto_now_add); restored afterwards."""
    stamped = [
        (Person, "created_at"),
        (DiversityInformation, "recorded_at"),
        (Order, "created_at"),
        (Requirement, "created_at"),
        (LedgerEntry, "created_at"),
        (CaseStatusChange, "changed_at"),
        (AuditEvent, "occurred_at"),
    ]
    fields = [cast(models.DateTimeField, model._meta.get_field(name)) for model, name in stamped]
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _ in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _plan(size: str, pdus: list[Pdu], rng: random.Random) -> dict[str, int]:
    """How many requirements each PDU gets."""
    by_code = {p.code: p for p in pdus}
    for code in (DEMO_PDU, DEMO_LONDON_PDU):
        if code not in by_code:
            raise DemoDataError(f"PDU {code} is missing: run manage.py migrate to load the regions and PDUs")
    north_east = sorted(p.code for p in pdus if p.region.code == DEMO_REGION)
    if size == "small":
        others = [c for c in north_east if c != DEMO_PDU]
        return {DEMO_PDU: 80, **_split(220, {c: rng.uniform(0.8, 1.2) for c in others}), DEMO_LONDON_PDU: 40}
    if size == "pdu":
        return {DEMO_PDU: 1_500, DEMO_LONDON_PDU: 100}
    if size == "region":
        weights = {c: (1.3 if c == DEMO_PDU else rng.uniform(0.8, 1.2)) for c in north_east}
        return {**_split(12_000, weights), DEMO_LONDON_PDU: 300}
    if size == "national":
        regions = {p.region.code for p in pdus}
        per_region = _split(100_000, {code: REGION_SHARE.get(code, 6) for code in sorted(regions)})
        plan: dict[str, int] = {}
        for region_code, count in per_region.items():
            codes = sorted(p.code for p in pdus if p.region.code == region_code)
            plan.update(_split(count, {c: rng.uniform(0.6, 1.4) for c in codes}))
        return plan
    raise DemoDataError(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}")


# ---------------------------------------------------------------------------------------------
# Staff


@dataclass
class PduStaff:
    practitioners: list[User] = field(default_factory=list)
    supervisors: list[User] = field(default_factory=list)
    administrators: list[User] = field(default_factory=list)
    fixed_practitioner: User | None = None


class _StaffBuilder:
    def __init__(self, rng: random.Random, fake: Faker, password_hash: str, today: date) -> None:
        self.rng, self.fake, self.password_hash, self.today = rng, fake, password_hash, today
        self.usernames = set(User.objects.values_list("username", flat=True))
        self.new: list[tuple[User, str]] = []

    def user(
        self,
        *,
        role: str,
        scope: str,
        pdu: Pdu | None = None,
        region: Region | None = None,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        gender: str | None = None,
        job_title: str | None = None,
    ) -> User:
        rng, fake = self.rng, self.fake
        if gender is None:
            gender = Gender.FEMALE if rng.random() < FEMALE_STAFF_SHARE.get(role, 0.5) else Gender.MALE
        if first_name is None:
            first_name = fake.first_name_female() if gender == Gender.FEMALE else fake.first_name_male()
        if last_name is None:
            last_name = fake.last_name()
        if username is None:
            base = f"{re.sub(r'[^a-z]', '', first_name.lower())}.{re.sub(r'[^a-z]', '', last_name.lower())}"
            username, n = base, 1
            while username in self.usernames:
                n += 1
                username = f"{base}{n}"
        self.usernames.add(username)
        user = User(
            username=username,
            password=self.password_hash,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@probation.example.gov.uk",
            scope=scope,
            pdu=pdu if scope == Scope.PDU else None,
            region=(pdu.region if pdu else region) if scope != Scope.NATIONAL else None,
            gender=gender,
            job_title=job_title or rng.choice(JOB_TITLES[role]),
            date_joined=datetime.combine(
                self.today - timedelta(days=rng.randint(60, 4_000)), clock(9, 0), tzinfo=LONDON
            ),
        )
        self.new.append((user, role))
        return user

    def save(self) -> int:
        User.objects.bulk_create([u for u, _ in self.new], batch_size=BATCH_SIZE)
        groups = {g.name: g.pk for g in Group.objects.all()}
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=groups[role]) for u, role in self.new], batch_size=BATCH_SIZE
        )
        count = len(self.new)
        self.new = []
        return count


def _build_staff(
    *, plan: dict[str, int], pdus: dict[str, Pdu], regions: dict[str, Region], builder: _StaffBuilder
) -> dict[str, PduStaff]:
    """The fixed demo accounts, then generated staff for each PDU (and region) with cases."""
    staff: dict[str, PduStaff] = {code: PduStaff() for code in plan}
    existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    for account in DEMO_ACCOUNTS:
        pdu = pdus[account.pdu_code] if account.pdu_code else None
        user = existing.get(account.username) or builder.user(
            role=account.role,
            scope=account.scope,
            pdu=pdu,
            region=regions[account.region_code] if account.region_code else None,
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            gender=account.gender,
            job_title=account.job_title,
        )
        if pdu is not None and pdu.code in staff:
            team = staff[pdu.code]
            if account.role == PROBATION_PRACTITIONER:
                team.fixed_practitioner = user
                team.practitioners.append(user)
            elif account.role == SUPERVISOR:
                team.supervisors.append(user)
            elif account.role == CASE_ADMINISTRATOR:
                team.administrators.append(user)

    region_codes = sorted({pdus[code].region.code for code in plan})
    for code in region_codes:
        builder.user(role=OPERATIONS_MANAGER, scope=Scope.REGION, region=regions[code])
        builder.user(role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=regions[code])
    for code, count in plan.items():
        pdu, team = pdus[code], staff[code]
        people = count / (1 + SECOND_ORDER_SHARE)
        fixed = FIXED_CASELOAD.get(code, 0) if team.fixed_practitioner else 0
        generated = max(2, math.ceil((people - fixed) / 50))
        for _ in range(generated):
            team.practitioners.append(builder.user(role=PROBATION_PRACTITIONER, scope=Scope.PDU, pdu=pdu))
        for _ in range(max(1, generated // 7)):
            builder.user(role=SENIOR_PROBATION_OFFICER, scope=Scope.PDU, pdu=pdu)
        for _ in range(max(1, count // 1_000)):
            builder.user(role=PLACEMENT_COORDINATOR, scope=Scope.PDU, pdu=pdu)
        for _ in range(max(2, math.ceil(count / 80))):
            team.supervisors.append(builder.user(role=SUPERVISOR, scope=Scope.PDU, pdu=pdu))
        for _ in range(max(1, count // 1_500)):
            team.administrators.append(builder.user(role=CASE_ADMINISTRATOR, scope=Scope.PDU, pdu=pdu))
    return staff


# ---------------------------------------------------------------------------------------------
# Cases


@dataclass(slots=True, eq=False)
class _Entry:
    """A ledger entry to be written (its id is known once written)."""

    req: Requirement
    kind: str
    minutes: int
    occurred_on: date
    reason: str
    source: str
    created_at: datetime
    created_by: User | None
    reverses: "_Entry | None" = None
    id: int | None = None

    @property
    def pk(self) -> int | None:
        return self.id


@dataclass(slots=True)
class _Change:
    """A case status change to be written."""

    req: Requirement
    from_status: str
    to_status: str
    reason: str
    changed_at: datetime
    changed_by: User | None


@dataclass(slots=True)
class _Audit:
    """An audit event to be written once its object has an id."""

    at: datetime
    actor: User | None
    action: str
    object_type: str
    obj: Person | Requirement | _Entry
    summary: str
    person: Person
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(slots=True)
class _Case:
    """One requirement while its history is being built."""

    req: Requirement
    order: Order
    person: Person
    practitioner: User | None
    supervisors: list[User]
    court: str
    offered: float
    engagement: float
    unacceptable_share: float
    slots: tuple[int, ...]
    travel_rate: float
    ete_rate: float
    status: str = S.AWAITING_INDUCTION
    ordered: int = 0
    variation: int = 0
    credited: int = 0
    ete: int = 0
    earned: int = 0
    work: list[tuple[date, int]] = field(default_factory=list)
    entries: list[tuple[str, int]] = field(default_factory=list)
    warned_on: date | None = None
    closed_on: date | None = None

    @property
    def total(self) -> int:
        return self.ordered + self.variation

    @property
    def remaining(self) -> int:
        return self.ordered + self.variation - self.credited


@dataclass
class _Chunk:
    people: list[Person] = field(default_factory=list)
    diversity: list[DiversityInformation] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    concurrent: list[Requirement] = field(default_factory=list)
    ledger: list[_Entry] = field(default_factory=list)  # originals, then corrections, in time order
    changes: list[_Change] = field(default_factory=list)
    audits: list[_Audit] = field(default_factory=list)
    surveyed: set[int] = field(default_factory=set)  # people whose diversity form is recorded

    @property
    def size(self) -> int:
        return len(self.requirements) + len(self.concurrent)


STATUS_LABELS = {value: label.lower() for value, label in S.choices}
KIND_LABELS = {value: label.lower() for value, label in K.choices}
TYPE_PERSON = Person._meta.label_lower
TYPE_REQUIREMENT = Requirement._meta.label_lower
TYPE_ENTRY = LedgerEntry._meta.label_lower


class _CaseBuilder:
    """Builds people, orders, requirements and their histories into a chunk."""

    def __init__(
        self, *, rng: random.Random, fake: Faker, book: PolicyBook, today: date, now: datetime, crns: set[str]
    ) -> None:
        self.rng, self.fake, self.book, self.today, self.now, self.crns = rng, fake, book, today, now, crns
        self.chunk = _Chunk()
        self.pick_hours = _weighted(rng, HOURS)
        self.pick_session = _weighted(rng, SESSION_MINUTES)
        self.pick_sso_months = _weighted(rng, SSO_MONTHS)
        self.pick_ethnicity = {
            london: _weighted(rng, {k: v[1 if london else 0] for k, v in ETHNICITY.items()}) for london in (False, True)
        }
        self.pick_religion = _weighted(rng, RELIGION)
        self.pick_religion_by = {k: _weighted(rng, v) for k, v in RELIGION_BY_ETHNICITY.items()}
        self.pick_disability = _weighted(rng, DISABILITY)
        self.pick_neuro = _weighted(rng, NEURODIVERSITY)
        self.pick_gender_identity = _weighted(rng, GENDER_IDENTITY)
        self.pick_orientation = _weighted(rng, SEXUAL_ORIENTATION)
        self.pick_language = _weighted(rng, OTHER_LANGUAGES)
        start = today - timedelta(days=SENTENCE_SPAN_DAYS)
        self.sentence_days = [
            start + timedelta(days=n) for n in range(SENTENCE_SPAN_DAYS + 1) if is_working_day(start + timedelta(n))
        ]
        self.scheme_start = book.first_date_with_value("earned_reduction")
        self.key_dates = lru_cache(maxsize=None)(lambda d: rules.key_dates(d, book))
        self.window_end = lru_cache(maxsize=None)(lambda d: rules.window_end(d, book))
        self.window_applies = lru_cache(maxsize=None)(lambda d: rules.window_in_force(book, d))
        self.policy = lru_cache(maxsize=None)(lambda key, d: book.value(key, d))
        self._capacity: dict[int, float] = {}

    def capacity(self, pdu_id: int) -> float:
        """The share of weeks a PDU can offer each person a place: some have too few."""
        if pdu_id not in self._capacity:
            self._capacity[pdu_id] = self.rng.uniform(0.6, 0.95)
        return self._capacity[pdu_id]

    # -- time ---------------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int | None = None) -> datetime:
        moment = datetime.combine(
            day, clock(hour, self.rng.randint(0, 59) if minute is None else minute), tzinfo=LONDON
        )
        return min(moment, self.now) if day >= self.today else moment

    # -- records ------------------------------------------------------------------------------

    def audit(
        self,
        at: datetime,
        actor: User | None,
        action: str,
        obj: Person | Requirement | _Entry,
        summary: str,
        person: Person,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        object_type = (
            TYPE_ENTRY if isinstance(obj, _Entry) else TYPE_REQUIREMENT if isinstance(obj, Requirement) else TYPE_PERSON
        )
        self.chunk.audits.append(_Audit(at, actor, action, object_type, obj, summary[:500], person, before, after))

    def status(self, case: _Case, to: str, day: date, reason: str, actor: User | None, hour: int = 11) -> None:
        before = case.status
        if to not in STATUS_TRANSITIONS[before]:
            raise DemoDataError(f"Status change from {before} to {to} is not allowed")
        at = self.at(day, hour)
        self.chunk.changes.append(_Change(case.req, before, to, reason, at, actor))
        self.audit(
            at,
            actor,
            "requirement.status_changed",
            case.req,
            f"Status changed from {STATUS_LABELS[before]} to {STATUS_LABELS[to]}: {reason}",
            case.person,
            before={"status": before},
            after={"status": to},
        )
        case.status = to
        if to in CLOSED_STATUSES:
            case.closed_on = day

    def entry(
        self,
        case: _Case,
        kind: str,
        minutes: int,
        day: date,
        reason: str,
        source: str,
        actor: User | None,
        at: datetime,
        reverses: _Entry | None = None,
    ) -> _Entry:
        item = _Entry(case.req, kind, minutes, day, reason[:500], source, at, actor, reverses)
        self.chunk.ledger.append(item)
        case.entries.append((kind, minutes))
        if kind == K.COURT_VARIATION:
            case.variation += minutes
        else:
            case.credited += minutes
            if kind == K.ETE:
                case.ete += minutes
            elif kind == K.EARNED_REDUCTION:
                case.earned += minutes
            elif kind == K.WORK:
                case.work.append((day, minutes))
        verb = "Correction of" if reverses is not None else "Recorded"
        self.audit(
            at,
            actor,
            "ledger.correction" if reverses is not None else f"ledger.{kind}",
            item,
            f"{verb} {KIND_LABELS[kind]}: {format_minutes(minutes)} ({reason})",
            case.person,
            after={"kind": kind, "minutes": minutes, "occurred_on": day.isoformat(), "source": source},
        )
        return item

    # -- people and orders --------------------------------------------------------------------

    def crn(self) -> str:
        while True:
            value = f"{self.rng.choice(CRN_LETTERS)}{self.rng.randint(0, 999_999):06d}"
            if value not in self.crns:
                self.crns.add(value)
                return value

    def person(self, pdu: Pdu, practitioner: User | None, sentenced: date) -> Person:
        rng, fake = self.rng, self.fake
        roll = rng.random()
        sex = Sex.FEMALE if roll < FEMALE_SHARE else Sex.NOT_KNOWN if roll > 1 - SEX_NOT_KNOWN_SHARE else Sex.MALE
        female = sex == Sex.FEMALE or (sex == Sex.NOT_KNOWN and rng.random() < 0.5)
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        age = 18 + rng.gammavariate(2.0, 8.0)
        while age > 70:
            age = 18 + rng.gammavariate(2.0, 8.0)
        birthday = sentenced - relativedelta(years=int(age)) - timedelta(days=rng.randint(1, 364))
        _, towns = COURTS.get(pdu.name, (pdu.name, (pdu.name,)))
        town = "London" if pdu.region.code == "LON" else ADDRESS_TOWN.get(towns[0], towns[0])
        areas = POSTCODE_AREAS.get(pdu.code) or POSTCODE_AREAS.get(pdu.region.code) or ("XX",)
        postcode = (
            f"{rng.choice(areas)}{rng.randint(1, 20)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )
        email = ""
        if rng.random() < 0.6:
            handle = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
            email = f"{handle}{rng.randint(1, 99)}@example.{rng.choice(('com', 'org', 'net'))}"
        person = Person(
            crn=self.crn(),
            first_name=first,
            last_name=last,
            date_of_birth=birthday,
            sex=sex,
            phone=f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.92 else "",
            email=email,
            address=f"{rng.randint(1, 180)} {fake.last_name()} {rng.choice(STREET_KINDS)}, {town}"[:300],
            postcode=postcode,
            pdu=pdu,
            practitioner=practitioner,
            created_at=self.at(sentenced, rng.randint(12, 16)),
        )
        self.chunk.people.append(person)
        return person

    def diversity(self, person: Person, london: bool, welsh: bool, recorded: datetime) -> None:
        rng = self.rng
        ethnicity = self.pick_ethnicity[london]()
        religion = self.pick_religion_by[ethnicity]() if ethnicity in self.pick_religion_by else self.pick_religion()
        english = 0.75 if london else 0.92
        language = "English"
        roll = rng.random()
        if welsh and roll < 0.08:
            language = "Welsh"
        elif roll > english:
            language = self.pick_language()
        self.chunk.diversity.append(
            DiversityInformation(
                person=person,
                ethnicity=ethnicity,
                religion_or_belief=religion,
                disability=self.pick_disability(),
                neurodiversity=self.pick_neuro(),
                gender_identity=self.pick_gender_identity(),
                sexual_orientation=self.pick_orientation(),
                first_language=language,
                interpreter_required=language not in ("English", "Welsh") and rng.random() < 0.35,
                recorded_at=recorded,
            )
        )

    def order(self, person: Person, pdu: Pdu, sentenced: date) -> tuple[Order, str]:
        rng = self.rng
        sso = rng.random() < SSO_SHARE
        crown, towns = COURTS.get(pdu.name, (pdu.name, (pdu.name,)))
        crown_court = rng.random() < (0.45 if sso else 0.1)
        court = f"{crown} Crown Court" if crown_court else f"{rng.choice(towns)} Magistrates' Court"
        months = self.pick_sso_months() if sso else None
        order = Order(
            person=person,
            order_type=OrderType.SUSPENDED_SENTENCE_ORDER if sso else OrderType.COMMUNITY_ORDER,
            sentence_date=sentenced,
            court=court,
            operational_period_months=months,
            operational_period_end=sentenced + relativedelta(months=months) if months else None,
            created_at=self.at(sentenced, rng.randint(12, 16)),
        )
        self.chunk.orders.append(order)
        return order, court

    def requirement(
        self,
        *,
        order: Order,
        person: Person,
        hours: int,
        court: str,
        team: PduStaff,
        concurrent_with: Requirement | None,
        actor: User | None,
    ) -> _Case:
        rng = self.rng
        sentenced = order.sentence_date
        dates = self.key_dates(sentenced)
        req = Requirement(
            order=order,
            person=person,
            ordered_minutes=hours * 60,
            concurrent_with=concurrent_with,
            status=S.AWAITING_INDUCTION,
            induction_due=dates.induction_due,
            assessment_due=dates.assessment_due,
            window_end=self.window_end(sentenced),
            created_at=order.created_at,
        )
        (self.chunk.concurrent if concurrent_with is not None else self.chunk.requirements).append(req)
        tier = rng.random()
        if tier < 0.5:
            engagement, unacceptable = rng.uniform(0.8, 0.97), 0.08
        elif tier < 0.82:
            engagement, unacceptable = rng.uniform(0.55, 0.8), 0.16
        else:
            engagement, unacceptable = rng.uniform(0.2, 0.55), 0.3
        twice = rng.random() < (0.4 if hours >= 150 else 0.1)
        slots = tuple(sorted(rng.sample(range(7), 2))) if twice else (rng.choice((0, 1, 2, 3, 4, 5, 5, 6, 6)),)
        supervisors = rng.sample(team.supervisors, min(2, len(team.supervisors))) if team.supervisors else []
        age = rules.age_on(person.date_of_birth, sentenced)
        case = _Case(
            req=req,
            order=order,
            person=person,
            practitioner=person.practitioner,
            supervisors=supervisors,
            court=court,
            offered=self.capacity(person.pdu_id),
            engagement=engagement,
            unacceptable_share=unacceptable,
            slots=slots,
            travel_rate=0.12 if rng.random() < 0.07 else 0.0,
            ete_rate=0.15 if rng.random() < (0.15 if age < 26 else 0.08) else 0.0,
            ordered=hours * 60,
        )
        at = req.created_at
        self.chunk.changes.append(_Change(req, "", S.AWAITING_INDUCTION, "Order made", at, actor))
        self.audit(
            at,
            actor,
            "requirement.created",
            req,
            f"Unpaid work requirement of {hours} hours recorded",
            person,
            after={"ordered_minutes": hours * 60},
        )
        return case

    # -- history ------------------------------------------------------------------------------

    def completion(self, case: _Case, on: date) -> date | None:
        return rules.completion_date(
            window_end=case.req.window_end,
            extended_until=case.req.extended_until,
            operational_period_end=case.order.operational_period_end,
            window_applies=self.window_applies(on),
        )

    def history(self, case: _Case) -> None:
        """Induction, assessment, placement, then week by week to today."""
        rng, today = self.rng, self.today
        sentenced = case.order.sentence_date
        lag = rng.randint(1, 5) if rng.random() < 0.85 else rng.randint(6, 12)
        inducted = add_working_days(sentenced, lag)
        if inducted > today:
            return
        self.status(case, S.AWAITING_ASSESSMENT, inducted, "Induction completed", case.practitioner)
        if id(case.person) not in self.chunk.surveyed and rng.random() < 0.9:
            self.chunk.surveyed.add(id(case.person))
            london = case.person.pdu.region.code == "LON"
            self.diversity(case.person, london, case.person.pdu.region.code == "WA", self.at(inducted, 12))
        assessed = add_working_days(inducted, rng.randint(2, 10))
        if assessed > today:
            return
        self.status(
            case, S.AWAITING_PLACEMENT, assessed, "UPW assessment and risk assessment completed", case.practitioner
        )
        self.work(case, assessed + timedelta(days=rng.randint(4, 70)))

    def next_slot(self, case: _Case, day: date) -> date:
        weekday = day.weekday()
        for offset in range(7):
            if (weekday + offset) % 7 in case.slots:
                return day + timedelta(days=offset)
        return day  # pragma: no cover - every case has a slot

    def work(self, case: _Case, start: date) -> None:
        rng, today = self.rng, self.today
        day = self.next_slot(case, start)
        week_seen = -1
        while True:
            on = min(day, today)
            completion = self.completion(case, on)
            if completion is not None and on > completion and case.remaining > 0:
                if case.status == S.BACKLOG:
                    return
                resume = self.backlog(case, completion)
                if resume is None:
                    return
                day = self.next_slot(case, resume)
                continue
            if day > today:
                return
            week = day.toordinal() // 7
            if week != week_seen:
                week_seen = week
                resume = self.weekly_events(case, day, completion)
                if resume is not None:
                    if resume == day:
                        return
                    day = self.next_slot(case, resume)
                    continue
                if case.closed_on is not None:
                    return
            if rng.random() > case.offered:
                pass  # no place offered this time (no capacity, or the session was stood down)
            elif rng.random() < case.engagement:
                if self.attend(case, day):
                    return
            elif rng.random() < case.unacceptable_share:
                resume = self.failure(case, day)
                if resume is not None:
                    if resume == day:
                        return
                    day = self.next_slot(case, resume)
                    continue
            day = self.next_slot(case, day + timedelta(days=1))

    def weekly_events(self, case: _Case, day: date, completion: date | None) -> date | None:
        """Rare events checked once a week. Returns the day to carry on from, `day` itself to
        stop (nothing more happens before today), or None to carry on as usual."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.0005:
            self.status(case, S.TRANSFERRED_OUT, day, rng.choice(TRANSFER_REASONS), case.practitioner)
            return day
        if roll < 0.004:
            return self.pause(case, day, completion)
        if roll < 0.0042 and case.remaining > 1_200:
            self.reduce(case, day)
        if case.ete_rate and rng.random() < case.ete_rate:
            self.ete_credit(case, day)
            if case.remaining == 0:
                self.status(case, S.COMPLETED, day, "All hours credited", None, hour=16)
                return day
        return None

    def attend(self, case: _Case, day: date) -> bool:
        """A session attended: hours credited (capped at what is owed). True when complete."""
        rng = self.rng
        wanted = self.pick_session()
        # The same rule as the live ledger: only the work still needed, counting its own reduction.
        decision = rules.credit_needed(
            kind=K.WORK,
            minutes=wanted,
            occurred_on=day,
            balance=self.balance(case),
            work=case.work,
            terms=self.earning_terms(case, day),
        )
        minutes = decision.credited
        note = f"Hours worked ({decision.note})" if decision.note else "Hours worked"
        at = self.at(day, 16)
        supervisor = rng.choice(case.supervisors) if case.supervisors else None
        original = self.entry(case, K.WORK, minutes, day, note, "appointment", supervisor, at)
        if case.status == S.AWAITING_PLACEMENT:
            self.status(case, S.WORKING, day, "Hours worked", None, hour=16)
        self.earned_reduction(case, day)
        if case.remaining > 0 and rng.random() < 0.008:
            self.correct(case, original, day)
        if case.remaining > 0 and case.travel_rate and rng.random() < case.travel_rate:
            cap = self.policy("travel_adjustment_cap_minutes", day)
            travel = min(rng.randrange(30, 181, 15), cap, case.remaining)
            entry = self.entry(
                case, K.TRAVEL, travel, day, rng.choice(TRAVEL_REASONS), "adjustment", case.practitioner, at
            )
            if case.remaining > 0 and rng.random() < 0.05:
                self.correct(case, entry, day)
        if case.remaining == 0:
            self.status(case, S.COMPLETED, day, "All hours credited", None, hour=17)
            return True
        return False

    def correct(self, case: _Case, original: _Entry, day: date) -> None:
        """A reversing entry a few days later, and sometimes the right figure re-entered."""
        rng = self.rng
        when = day + timedelta(days=rng.randint(1, 10))
        if when > self.today:
            return
        at = self.at(when, 10)
        reason = rng.choice(CORRECTION_REASONS)
        self.entry(
            case, original.kind, -original.minutes, day, reason, "correction", case.practitioner, at, reverses=original
        )
        if original.kind == K.WORK and not reason.startswith("Entered twice") and rng.random() < 0.7:
            minutes = min(max(60, original.minutes - rng.choice((30, 60, 90, 120))), case.remaining)
            self.entry(case, K.WORK, minutes, day, "Hours worked (re-entered)", "appointment", case.practitioner, at)
        self.earned_reduction(case, day)

    def ete_credit(self, case: _Case, day: date) -> None:
        rng = self.rng
        cap = rules.ete_cap_minutes(case.total, self.policy("ete_cap_percent", day))
        minutes = min(rng.randrange(180, 901, 60), cap - case.ete, case.remaining)
        if minutes < 60:
            return
        at = self.at(day, 14)
        entry = self.entry(case, K.ETE, minutes, day, rng.choice(ETE_REASONS), "ete", case.practitioner, at)
        if case.remaining > 0 and rng.random() < 0.04:
            self.correct(case, entry, day)

    def balance(self, case: _Case) -> rules.Balance:
        """What the rules need of a case's running sums (travel and stand-down lumped together)."""
        worked = sum(minutes for _, minutes in case.work)
        return rules.Balance(
            ordered_minutes=case.total,
            variation_minutes=0,
            work_minutes=worked,
            travel_minutes=case.credited - worked - case.ete - case.earned,
            ete_minutes=case.ete,
            earned_reduction_minutes=case.earned,
        )

    def earning_terms(self, case: _Case, day: date) -> rules.EarningTerms:
        in_force = self.scheme_start is not None and day >= self.scheme_start
        return rules.EarningTerms(
            scheme=self.policy("earned_reduction", day) if in_force else None,
            scheme_start=self.scheme_start,
            earning_stopped_on=case.req.earning_stopped_on,
        )

    def earned_reduction(self, case: _Case, day: date) -> None:
        if self.scheme_start is None or day < self.scheme_start:
            return
        delta = rules.reduction_change(balance=self.balance(case), work=case.work, terms=self.earning_terms(case, day))
        if delta:
            reason = (
                "Earned reduction for hours worked beyond the threshold"
                if delta > 0
                else "Earned reduction recalculated after a correction"
            )
            self.entry(case, K.EARNED_REDUCTION, delta, day, reason, "earned_reduction", None, self.at(day, 17))

    def court_variation(self, case: _Case, day: date, minutes: int, extended_until: date | None, reason: str) -> None:
        at = self.at(day, 15)
        if extended_until is not None:
            before = case.req.extended_until
            case.req.extended_until = extended_until
            self.audit(
                at,
                case.practitioner,
                "requirement.extended",
                case.req,
                f"Court extended the time to complete to {extended_until:%d %B %Y}",
                case.person,
                before={"extended_until": before.isoformat() if before else None},
                after={"extended_until": extended_until.isoformat()},
            )
        self.entry(case, K.COURT_VARIATION, minutes, day, reason, "court", case.practitioner, at)

    def reduce(self, case: _Case, day: date) -> None:
        """Rarely, the court takes hours away (on appeal or review)."""
        hours = self.rng.choice((10, 20))
        new_total = case.total - hours * 60
        cap = rules.ete_cap_minutes(new_total, self.policy("ete_cap_percent", day))
        if hours * 60 >= case.remaining or case.ete > cap:
            return
        reason = f"{case.court}: on appeal, {hours} hours taken off the order"
        self.court_variation(case, day, -hours * 60, None, reason)

    def extension_end(self, case: _Case, base: date, hearing: date) -> date | None:
        """A new completion date 3 to 6 months on, never past an SSO's operational period."""
        end = max(base, hearing) + relativedelta(months=self.rng.randint(3, 6))
        op_end = case.order.operational_period_end
        if op_end is not None:
            end = min(end, op_end)
        return end if end > hearing + timedelta(days=28) else None

    def backlog(self, case: _Case, completion: date) -> date | None:
        """The completion date passed with hours owed. Returns the day work resumes after the
        court extends, or None."""
        rng, today = self.rng, self.today
        marked = completion + timedelta(days=rng.randint(1, 10))
        if marked > today or rng.random() < 0.1:
            return None  # not moved yet: the caseload still flags it as backlog
        self.status(case, S.BACKLOG, marked, "Completion date passed with hours outstanding", None, hour=7)
        hearing = marked + timedelta(days=rng.randint(14, 70))
        if hearing > today:
            return None
        roll = rng.random()
        if roll < 0.45:
            end = self.extension_end(case, completion, hearing)
            if end is not None:
                reason = f"{case.court}: time to complete extended to {end:%d %B %Y}"
                self.court_variation(case, hearing, 0, end, reason)
                self.status(case, S.AWAITING_PLACEMENT, hearing, "Court varied the order", case.practitioner, hour=15)
                return hearing + timedelta(days=rng.randint(3, 14))
        if roll > 0.85:
            self.status(case, S.REVOKED, hearing, f"{case.court}: order revoked and re-sentenced", case.practitioner)
        return None

    def pause(self, case: _Case, day: date, completion: date | None) -> date:
        """Paused for a few weeks (medical, custody). Returns the day to carry on from."""
        rng = self.rng
        why = rng.choice(PAUSE_REASONS)
        self.status(case, S.PAUSED, day, why, case.practitioner, hour=9)
        resume_to = S.WORKING if case.work else S.AWAITING_PLACEMENT
        back = day + timedelta(weeks=rng.randint(3, 26))
        if back > self.today:
            return day  # still paused today
        if completion is not None and back > completion:
            return completion + timedelta(days=1)  # the window ran out while paused
        self.status(case, resume_to, back, f"Back from pause ({why.lower()})", case.practitioner, hour=9)
        return back

    def failure(self, case: _Case, day: date) -> date | None:
        """An unacceptable failure: a warning, or breach action when warned in the last year.
        Returns None to carry on, `day` to stop, or the day work resumes after court."""
        rng, today = self.rng, self.today
        if case.req.earning_stopped_on is None:
            case.req.earning_stopped_on = day
        if case.warned_on is None or (day - case.warned_on).days > 365:
            case.warned_on = day
            return None
        started = day + timedelta(days=rng.randint(3, 12))
        if started > today:
            return day
        self.status(
            case,
            S.BREACH_IN_PROGRESS,
            started,
            "Second unacceptable failure within 12 months of a warning: breach action started",
            case.practitioner,
        )
        hearing = started + timedelta(days=rng.randint(21, 63))
        if hearing > today:
            return day
        completion = self.completion(case, hearing)
        end: date | None = None
        if completion is not None and completion < hearing + timedelta(days=60):
            end = self.extension_end(case, completion, hearing)
            if end is None:
                self.status(
                    case, S.REVOKED, hearing, f"{case.court}: order revoked and re-sentenced", case.practitioner
                )
                return day
        if rng.random() < 0.2:
            self.status(case, S.REVOKED, hearing, f"{case.court}: order revoked and re-sentenced", case.practitioner)
            return day
        extra = 0
        if rng.random() < 0.6:
            extra = min(rng.choice((10, 15, 20, 25, 30, 40)) * 60, rules.MAX_HOURS * 60 - case.total)
        if extra or end is not None:
            parts = [f"{extra // 60} hours added"] if extra else []
            if end is not None:
                parts.append(f"time to complete extended to {end:%d %B %Y}")
            self.court_variation(case, hearing, extra, end, f"{case.court}: breach proved, {' and '.join(parts)}")
        self.status(case, S.WORKING, hearing, f"{case.court}: order to continue", case.practitioner, hour=15)
        case.warned_on = None
        return hearing + timedelta(days=rng.randint(2, 10))

    def check(self, case: _Case) -> None:
        """The ledger against the rules: nothing owed below zero, ETE within its cap."""
        balance = rules.balance_of(case.ordered, case.entries)
        cap = rules.ete_cap_minutes(balance.total_ordered_minutes, self.policy("ete_cap_percent", self.today))
        if balance.remaining_minutes < 0 or balance.ete_minutes > cap:
            raise DemoDataError(f"Requirement for {case.person.crn} breaks the rules: {balance}")
        if case.status == S.COMPLETED and balance.remaining_minutes != 0:
            raise DemoDataError(f"Requirement for {case.person.crn} is completed with hours owed")

    def finish(self, case: _Case) -> None:
        self.check(case)
        case.req.status = case.status


# ---------------------------------------------------------------------------------------------
# Writing


def _actor_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else "Payback (system)"


def _pk(user: User | None) -> int | None:
    return user.pk if user is not None else None


def _audit_rows(chunk: _Chunk) -> Iterator[tuple[Any, ...]]:
    """Audit events in the column order of AUDIT_COLUMNS, once every object has its id."""
    names: dict[int | None, str] = {}
    for item in chunk.audits:
        after = item.after
        if item.action == "requirement.created" and isinstance(item.obj, Requirement):
            after = {**(after or {}), "order": item.obj.order_id}
        actor_id = _pk(item.actor)
        if actor_id not in names:
            names[actor_id] = _actor_name(item.actor)
        yield (
            item.at,
            actor_id,
            names[actor_id],
            item.action,
            item.object_type,
            str(item.obj.pk),
            item.summary,
            item.before,
            after,
            f"person:{item.person.pk}",
            "command",
            None,
        )


AUDIT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "summary",
    "before",
    "after",
    "subject",
    "channel",
    "ip_address",
)
LEDGER_COLUMNS = (
    "id",
    "requirement_id",
    "kind",
    "minutes",
    "reverses_id",
    "occurred_on",
    "reason",
    "source",
    "source_ref",
    "created_at",
    "created_by_id",
)
CHANGE_COLUMNS = ("requirement_id", "from_status", "to_status", "reason", "changed_at", "changed_by_id")


def _ledger_row(e: _Entry) -> tuple[Any, ...]:
    reverses = e.reverses.id if e.reverses is not None else None
    return (
        e.id,
        e.req.pk,
        e.kind,
        e.minutes,
        reverses,
        e.occurred_on,
        e.reason,
        e.source,
        "" if reverses is None else str(reverses),
        e.created_at,
        _pk(e.created_by),
    )


def _write_history_orm(chunk: _Chunk) -> None:
    """Ledger, status changes and audit events with bulk_create (any database)."""
    for corrections in (False, True):
        entries = [e for e in chunk.ledger if (e.reverses is not None) == corrections]
        rows = [dict(zip(LEDGER_COLUMNS[1:], _ledger_row(e)[1:], strict=True)) for e in entries]
        objs = LedgerEntry.objects.bulk_create([LedgerEntry(**row) for row in rows], batch_size=BATCH_SIZE)
        for entry, obj in zip(entries, objs, strict=True):
            entry.id = obj.pk
    CaseStatusChange.objects.bulk_create(
        [
            CaseStatusChange(
                requirement_id=c.req.pk,
                from_status=c.from_status,
                to_status=c.to_status,
                reason=c.reason,
                changed_at=c.changed_at,
                changed_by_id=_pk(c.changed_by),
            )
            for c in chunk.changes
        ],
        batch_size=BATCH_SIZE,
    )
    AuditEvent.objects.bulk_create(
        [AuditEvent(**dict(zip(AUDIT_COLUMNS, row, strict=True))) for row in _audit_rows(chunk)],
        batch_size=BATCH_SIZE,
    )


def _write_history_copy(chunk: _Chunk) -> None:
    """The same rows with PostgreSQL's COPY: the ledger, status changes and audit events are
    most of the data, and COPY writes them many times faster than multi-row INSERTs."""
    from psycopg.types.json import Jsonb

    ledger_table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [ledger_table, len(chunk.ledger)],
        )
        for entry, (new_id,) in zip(chunk.ledger, cursor.fetchall(), strict=True):
            entry.id = new_id
        raw = cursor.cursor
        with raw.copy(f"COPY {ledger_table} ({', '.join(LEDGER_COLUMNS)}) FROM STDIN") as copy:
            for entry in chunk.ledger:
                copy.write_row(_ledger_row(entry))
        table = CaseStatusChange._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(CHANGE_COLUMNS)}) FROM STDIN") as copy:
            for c in chunk.changes:
                copy.write_row((c.req.pk, c.from_status, c.to_status, c.reason, c.changed_at, _pk(c.changed_by)))
        table = AuditEvent._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(AUDIT_COLUMNS)}) FROM STDIN") as copy:
            for row in _audit_rows(chunk):
                before, after = row[7], row[8]
                copy.write_row(
                    (
                        *row[:7],
                        None if before is None else Jsonb(before),
                        None if after is None else Jsonb(after),
                        *row[9:],
                    )
                )


def _write(chunk: _Chunk, *, use_copy: bool) -> dict[str, int]:
    Person.objects.bulk_create(chunk.people, batch_size=BATCH_SIZE)
    DiversityInformation.objects.bulk_create(chunk.diversity, batch_size=BATCH_SIZE)
    Order.objects.bulk_create(chunk.orders, batch_size=BATCH_SIZE)
    Requirement.objects.bulk_create(chunk.requirements, batch_size=BATCH_SIZE)
    Requirement.objects.bulk_create(chunk.concurrent, batch_size=BATCH_SIZE)
    if use_copy:
        _write_history_copy(chunk)
    else:
        _write_history_orm(chunk)
    return {
        "people": len(chunk.people),
        "requirements": chunk.size,
        "ledger_entries": len(chunk.ledger),
        "corrections": sum(1 for e in chunk.ledger if e.reverses is not None),
        "status_changes": len(chunk.changes),
        "audit_events": len(chunk.audits),
        "diversity": len(chunk.diversity),
    }


def _cases_for_pdu(
    builder: _CaseBuilder, pdu: Pdu, count: int, team: PduStaff, after_chunk: Callable[[], None]
) -> None:
    """People, orders and requirements for one PDU, `count` requirements in all."""
    rng, today = builder.rng, builder.today
    fixed_quota = FIXED_CASELOAD.get(pdu.code, 0) if team.fixed_practitioner else 0
    generated = [u for u in team.practitioners if u is not team.fixed_practitioner]
    made = 0
    while made < count:
        if fixed_quota > 0:
            practitioner, fixed_quota = team.fixed_practitioner, fixed_quota - 1
        else:
            practitioner = rng.choice(generated) if generated else team.fixed_practitioner
        sentenced = rng.choice(builder.sentence_days)
        person = builder.person(pdu, practitioner, sentenced)
        admin = rng.choice(team.administrators) if team.administrators else practitioner
        order, court = builder.order(person, pdu, sentenced)
        builder.audit(
            person.created_at,
            admin,
            "case.created",
            person,
            f"{person.full_name} ({person.crn}) recorded with a {order.get_order_type_display()} made at {court}",
            person,
            after={"crn": person.crn, "order_type": order.order_type, "sentence_date": sentenced.isoformat()},
        )
        hours = builder.pick_hours()
        first = builder.requirement(
            order=order, person=person, hours=hours, court=court, team=team, concurrent_with=None, actor=admin
        )
        builder.history(first)
        builder.finish(first)
        made += 1
        if made < count and rng.random() < SECOND_ORDER_SHARE:
            later = sentenced + timedelta(days=rng.randint(45, 270))
            while not is_working_day(later):
                later += timedelta(days=1)
            if later <= today:
                second_order, second_court = builder.order(person, pdu, later)
                second_hours = builder.pick_hours()
                live = first.closed_on is None or first.closed_on > later
                concurrent = live and hours + second_hours > rules.MAX_AGGREGATE_HOURS
                second = builder.requirement(
                    order=second_order,
                    person=person,
                    hours=second_hours,
                    court=second_court,
                    team=team,
                    concurrent_with=first.req if concurrent else None,
                    actor=admin,
                )
                builder.history(second)
                builder.finish(second)
                made += 1
        if builder.chunk.size >= CHUNK_REQUIREMENTS:
            after_chunk()


def seed_demo(
    *,
    size: str,
    seed: int = DEFAULT_SEED,
    out: Stream | None = None,
    today: date | None = None,
    use_copy: bool | None = None,
) -> SeedResult:
    """Build the demo data for `size` (see SIZES), all in one transaction.

    `use_copy` writes the ledger, status changes and audit events with COPY (PostgreSQL only;
    the default there); otherwise everything is written with bulk_create."""
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    if use_copy and connection.vendor != "postgresql":
        raise DemoDataError("COPY is only available on PostgreSQL")
    if size not in SIZES:
        raise DemoDataError(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}")
    started = time.perf_counter()
    today = today or timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    sync_roles()
    book = policy_book()
    pdus = {p.code: p for p in Pdu.objects.select_related("region").order_by("code")}
    regions = {r.code: r for r in Region.objects.all()}
    plan = _plan(size, sorted(pdus.values(), key=lambda p: p.code), rng)
    totals: Counter[str] = Counter()

    with transaction.atomic(), _historical_timestamps():
        staff_builder = _StaffBuilder(rng, fake, make_password(DEMO_PASSWORD), today)
        staff = _build_staff(plan=plan, pdus=pdus, regions=regions, builder=staff_builder)
        progress = Progress("Staff", len(staff_builder.new), "users", out)
        totals["staff"] = staff_builder.save()
        progress.advance(totals["staff"])
        progress.finish()

        builder = _CaseBuilder(
            rng=rng, fake=fake, book=book, today=today, now=now, crns=set(Person.objects.values_list("crn", flat=True))
        )
        progress = Progress("Cases", sum(plan.values()), "requirements", out)

        def flush() -> None:
            written = _write(builder.chunk, use_copy=use_copy)
            totals.update(written)
            progress.advance(written["requirements"])
            builder.chunk = _Chunk()

        for code, count in plan.items():
            _cases_for_pdu(builder, pdus[code], count, staff[code], flush)
        flush()
        progress.finish()

        progress = Progress("Ledger totals and completion dates", 2, "steps", out)
        ledger_totals_rebuild()
        progress.advance(1)
        requirement_due_dates_rebuild()
        progress.advance(1)
        progress.finish()

    return SeedResult(size=size, seconds=time.perf_counter() - started, counts=dict(totals))


def status_counts() -> dict[str, int]:
    """Requirements by status, for the command's summary."""
    rows = Requirement.objects.values_list("status").annotate(n=models.Count("id")).order_by()
    return dict(rows)
