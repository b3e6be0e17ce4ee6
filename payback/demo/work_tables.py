"""What the work data draws on: risk shares, adjustments, project templates, vehicles."""

from dataclasses import dataclass
from datetime import time as clock

from payback.cases.models import (
    Assessment,
    CaseStatus,
    Induction,
    NonAssociation,
    RoshLevel,
)
from payback.delivery.models import (
    Appointment,
)
from payback.projects.models import (
    Beneficiary,
    BeneficiaryKind,
    Nomination,
    Project,
    ProjectAssessment,
)

S = CaseStatus
BATCH_SIZE = 5_000
BEFORE_ASSESSMENT = (S.AWAITING_INDUCTION, S.AWAITING_ASSESSMENT)
ROSH = {RoshLevel.LOW: 45, RoshLevel.MEDIUM: 40, RoshLevel.HIGH: 13, RoshLevel.VERY_HIGH: 2}
FLAG_RATE = {
    "not-near-children": 0.06,
    "not-with-vulnerable-adults": 0.04,
    "not-with-women": 0.03,
    "domestic-abuse-perpetrator": 0.08,
    "arson": 0.02,
    "violence": 0.08,
    "sexual-offending": 0.03,
    "hate-crime": 0.02,
    "weapons": 0.04,
    "self-harm": 0.05,
}
EMPLOYED_SHARE = 0.35
NO_ASSESSMENT_SHARE = 0.05
SUPERSEDED_SHARE = 0.12
INTERPRETER_SHARE = 0.05
GROUP_UNSUITABLE_SHARE = 0.03
HEALTH = (
    "Asthma: inhaler kept on person",
    "Back injury: no heavy lifting over 15 kg",
    "Type 1 diabetes: needs regular breaks to eat",
    "Knee problems: avoid long periods kneeling",
    "Epilepsy (controlled): no work at height or with power tools",
)
DISABILITY_ADJUSTMENTS = (
    "Hearing impairment: face the person when giving instructions",
    "Limited mobility: level sites only, seated tasks where possible",
    "Visual impairment: large-print task sheets",
)
NEURODIVERSITY_ADJUSTMENTS = (
    "Dyslexia: explain tasks verbally, check understanding",
    "ADHD: short tasks with clear breaks",
    "Autism: give notice of any change of site or supervisor",
)
SKILLS = (
    "Painting and decorating",
    "Labouring on building sites",
    "Gardening and grounds maintenance",
    "Joinery",
    "Retail and customer service",
    "Warehouse work, forklift licence",
    "Catering",
    "Bricklaying",
    "Cleaning",
    "No previous work experience",
)
CLOTHING = ("S", "M", "L", "XL", "XXL")
PRAYER_TIMES = ("Friday midday prayers (Jumu'ah)", "Daily prayers: needs a short break at midday and mid-afternoon")
COMMITMENT_DETAIL = {
    "employment": ("Works shifts at a warehouse", "Full-time job, Monday to Friday", "Part-time work in a café"),
    "caring": ("Takes children to and from school", "Cares for a parent"),
    "education": ("College course", "Adult literacy class"),
    "other": ("Drug and alcohol service appointments", "Medical appointments"),
}
NON_ASSOCIATION_REASONS = (
    "Co-defendants in the same offence",
    "Known conflict between them",
    "Victim and perpetrator of a previous offence",
    "Rival groups: risk of violence",
)
PLACES = (
    "Ouseburn",
    "Heaton",
    "Walker",
    "Benwell",
    "Fenham",
    "Elswick",
    "Kenton",
    "Gosforth",
    "Byker",
    "Westerhope",
    "Lemington",
    "Denton",
    "Brunswick",
    "Riverside",
    "Hillside",
    "Northfield",
    "Southgate",
    "Eastfield",
    "Westwood",
    "Ashfield",
    "Mill Lane",
    "Station Road",
    "Greenbank",
    "Highfield",
    "Oakwood",
    "Beechwood",
    "Marsh Lane",
    "Church End",
    "Parkside",
    "Moorside",
)
SAINTS = ("Mary", "John", "Peter", "Andrew", "Michael", "George", "Paul", "James", "Margaret", "Aidan", "Cuthbert")


@dataclass(frozen=True)
class Template:
    name: str
    beneficiary: str
    kind: str
    tasks: tuple[str, ...]
    children: bool = False  # children are about on the site


def _templates(table: str) -> tuple[Template, ...]:
    """Read the templates: a line "name | beneficiary | kind", ending "| children" where children are
    about, and under it the tasks, separated by "; "."""
    lines = table.strip().splitlines()
    templates = []
    for heading, tasks in zip(lines[::2], lines[1::2], strict=True):
        name, beneficiary, kind, *marks = heading.split(" | ")
        templates.append(
            Template(
                name,
                beneficiary,
                BeneficiaryKind(kind),
                tuple(tasks.strip().split("; ")),
                children="children" in marks,
            )
        )
    return tuple(templates)


# Projects of each kind, "{place}" and "{saint}" filled in for each PDU.
TEMPLATES = _templates(
    """
{place} riverside clearance | {place} Rivers Trust | charity
    Clear litter from the riverbank; Cut back brambles along the path; Bag and stack green waste
St {saint}'s churchyard maintenance | St {saint}'s Parochial Church Council | community_group
    Mow and strim the churchyard; Clear leaves from the paths; Repaint the lych gate
{place} allotments path rebuild | {place} Allotment Association | community_group
    Lift old paving; Lay and compact hardcore; Edge and gravel the new path
{place} park litter pick and planting | {place} Parish Council | council
    Litter pick the park; Weed the flower beds; Plant bulbs along the main path
{place} village hall redecoration | {place} Town Council | council
    Protect floors and fittings; Fill and sand walls; Paint the main hall
{place} Primary School fence painting | {place} Primary School | public_body | children
    Sand the fence panels; Paint the fence; Clear the playground edges
{place} playground refurbishment | {place} Parish Council | council | children
    Remove graffiti; Repaint play equipment frames; Replace bark chippings
{place} community garden | {place} Community Garden Trust | charity
    Dig over the raised beds; Build compost bays; Water and weed
{place} woodland footpath repair | Friends of {place} Woods | community_group
    Clear fallen branches; Repair steps with timber edging; Resurface muddy stretches
{place} food bank warehouse sorting | {place} Food Bank | charity
    Sort donated food by date; Pack food parcels; Clean the storage area
{place} sports club pitch-side clearance | {place} Social Enterprise Ltd | commercial
    Clear overgrown banks; Repair the perimeter fence
"""
)
SHOP_CHARITIES = ("Hospice", "Animal Rescue", "Children's Charity", "Cancer Support", "Mind and Wellbeing")
SESSION_HOURS = ((clock(9, 0), clock(16, 0)), (clock(8, 30), clock(15, 30)), (clock(9, 30), clock(16, 30)))
VEHICLES = (("Ford Transit minibus", 9), ("Vauxhall Movano crew van", 7), ("Renault Master minibus", 12))
NOMINATION_WORK = (
    ("Litter and fly-tipping along the lane behind {place} shops", "Residents and shoppers"),
    ("Overgrown footpath between {place} estate and the school", "Families walking to school"),
    ("Community centre in {place} needs repainting inside", "Groups using the centre"),
    ("Graffiti on the {place} underpass", "Everyone who uses the underpass"),
    ("Clearing the pond in {place} park", "Park users and wildlife"),
)
AUTO_NOW_ADD = (
    (Induction, "booked_at"),
    (Assessment, "created_at"),
    (NonAssociation, "recorded_at"),
    (Beneficiary, "created_at"),
    (Project, "created_at"),
    (ProjectAssessment, "created_at"),
    (Nomination, "submitted_at"),
    (Appointment, "booked_at"),
)
