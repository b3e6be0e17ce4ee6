"""How many cases each size builds and where, and the shares that make them plausible."""

import random

from payback.demo.accounts import (
    DEMO_LONDON_PDU,
    DEMO_PDU,
    DEMO_REGION,
)
from payback.demo.common import DemoDataError, split
from payback.staff.models import Pdu

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


def requirements_plan(size: str, pdus: list[Pdu], rng: random.Random) -> dict[str, int]:
    """How many requirements each PDU gets."""
    by_code = {p.code: p for p in pdus}
    for code in (DEMO_PDU, DEMO_LONDON_PDU):
        if code not in by_code:
            raise DemoDataError(f"PDU {code} is missing: run manage.py migrate to load the regions and PDUs")
    north_east = sorted(p.code for p in pdus if p.region.code == DEMO_REGION)
    if size == "small":
        others = [c for c in north_east if c != DEMO_PDU]
        return {DEMO_PDU: 80, **split(220, {c: rng.uniform(0.8, 1.2) for c in others}), DEMO_LONDON_PDU: 40}
    if size == "pdu":
        return {DEMO_PDU: 1_500, DEMO_LONDON_PDU: 100}
    if size == "region":
        weights = {c: (1.3 if c == DEMO_PDU else rng.uniform(0.8, 1.2)) for c in north_east}
        return {**split(12_000, weights), DEMO_LONDON_PDU: 300}
    if size == "national":
        regions = {p.region.code for p in pdus}
        per_region = split(100_000, {code: REGION_SHARE.get(code, 6) for code in sorted(regions)})
        plan: dict[str, int] = {}
        for region_code, count in per_region.items():
            codes = sorted(p.code for p in pdus if p.region.code == region_code)
            plan.update(split(count, {c: rng.uniform(0.6, 1.4) for c in codes}))
        return plan
    raise DemoDataError(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}")
