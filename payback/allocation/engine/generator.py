"""Realistic generated weeks, for tests and benchmarks (seeded, so reproducible): a PDU's week
(`generate`), and a region's (`generate_region`: several neighbouring PDUs in one week, where
people may work on a neighbouring PDU's sessions within their travel limit)."""

import random
from dataclasses import replace
from datetime import date, timedelta

from .model import Instance, Person, Session, Weights, travel_cost
from .rules import Nearby, pair_problem

SPEED_KMH = 25.0  # as Instance's default

FLAGS = ["not-near-children", "violence", "arson", "not-with-women", "domestic-abuse-perpetrator"]


# Regions, each round its own centre, far enough apart that nobody travels between them; each
# region's PDUs are a central one and four round it (north, east, south, west), each as large as
# a PDU week's area, side by side: people near a border can reach the next PDU's projects.
REGIONS = [("North East", (54.95, -1.6)), ("Yorkshire", (53.85, -1.2)), ("North West", (53.9, -2.8))]
PDU_OFFSETS = [
    ("central", (0.0, 0.0)),
    ("north", (0.26, 0.0)),
    ("east", (0.0, 0.44)),
    ("south", (-0.26, 0.0)),
    ("west", (0.0, -0.44)),
]


def generate(
    *, people: int, sessions: int, seed: int = 1, centre: tuple[float, float] = (54.97, -1.61), week: date | None = None
) -> Instance:
    rng = random.Random(seed)
    monday = week or date(2026, 11, 30)
    projects = max(5, sessions // 6)
    session_list = _sessions(rng, sessions=sessions, projects=projects, centre=centre, monday=monday)
    person_list = _people(rng, people=people, projects=projects, centre=centre)
    person_list = _last_projects(rng, person_list, session_list)
    return Instance(people=_non_associations(rng, person_list), sessions=session_list, weights=Weights())


def generate_region(
    *, people: int, sessions: int, seed: int = 1, regions: int = 1, pdus: int = 5, week: date | None = None
) -> Instance:
    """One week for `regions` regions of `pdus` neighbouring PDUs each (at most 3 and 5), with
    `people` and `sessions` in each region, shared equally between its PDUs. Each PDU's projects
    and people are round its own town; people may be placed anywhere within their travel limit,
    so those near a border can work in the next PDU, and last week's project may be over it."""
    if not 1 <= regions <= len(REGIONS) or not 1 <= pdus <= len(PDU_OFFSETS):
        raise ValueError(f"regions must be 1 to {len(REGIONS)} and pdus 1 to {len(PDU_OFFSETS)}")
    rng = random.Random(seed)
    monday = week or date(2026, 11, 30)
    person_list: list[Person] = []
    session_list: list[Session] = []
    centres = [
        (middle[0] + offset[0], middle[1] + offset[1])
        for _name, middle in REGIONS[:regions]
        for _part, offset in PDU_OFFSETS[:pdus]
    ]
    for index, centre in enumerate(centres):
        mine, theirs = _share(sessions, pdus, index % pdus), _share(people, pdus, index % pdus)
        projects = max(5, mine // 6)
        before = max((s.project_id for s in session_list), default=0)  # each PDU's projects after the last's
        found = _sessions(rng, sessions=mine, projects=projects, centre=centre, monday=monday)
        session_list += [
            replace(s, id=len(session_list) + n + 1, project_id=s.project_id + before) for n, s in enumerate(found)
        ]
        found_people = _people(rng, people=theirs, projects=projects, centre=centre)
        person_list += [
            replace(p, id=len(person_list) + n + 1, last_project=p.last_project and p.last_project + before)
            for n, p in enumerate(found_people)
        ]
    person_list = _last_projects(rng, person_list, session_list)
    return Instance(people=_non_associations(rng, person_list), sessions=session_list, weights=Weights())


def _share(total: int, parts: int, index: int) -> int:
    """The `index`-th of `parts` near-equal shares of `total`."""
    return total // parts + (index < total % parts)


def _sessions(
    rng: random.Random,
    *,
    sessions: int,
    projects: int,
    centre: tuple[float, float],
    monday: date,
) -> list[Session]:
    """The week's sessions on `projects` projects around `centre`: some individual placements,
    some women only, some near schools."""
    project_sites = {
        pid: (centre[0] + rng.uniform(-0.12, 0.12), centre[1] + rng.uniform(-0.2, 0.2))
        for pid in range(1, projects + 1)
    }
    individual_projects = set(rng.sample(sorted(project_sites), max(1, projects // 8)))
    women_only_projects = set(rng.sample(sorted(set(project_sites) - individual_projects), max(1, projects // 10)))
    school_projects = set(rng.sample(sorted(project_sites), max(1, projects // 6)))
    session_list = []
    for sid in range(1, sessions + 1):
        pid = rng.randint(1, projects)
        weekday = rng.choices(range(7), weights=[12, 12, 12, 12, 12, 25, 15])[0]
        start = rng.choice([8 * 60 + 30, 9 * 60, 9 * 60 + 30])
        length = rng.choice([360, 390, 420]) if pid not in individual_projects else rng.choice([240, 300, 360])
        session_list.append(
            Session(
                id=sid,
                project_id=pid,
                project_name=f"Project {pid}",
                day=(monday + timedelta(days=weekday)).isoformat(),
                weekday=weekday,
                start=start,
                end=start + length,
                capacity=1 if pid in individual_projects else rng.choice([4, 5, 6, 8]),
                location=project_sites[pid],
                individual=pid in individual_projects,
                women_only=pid in women_only_projects,
                excluded_flags=frozenset({"not-near-children"}) if pid in school_projects else frozenset(),
                supervisor_female=rng.random() < 0.3,
                supervisor_available=rng.random() > 0.03,
                vehicle_available=rng.random() > 0.02,
            )
        )
    return session_list


def _people(rng: random.Random, *, people: int, projects: int, centre: tuple[float, float]) -> list[Person]:
    """The people owing hours, living around `centre`."""
    person_list = []
    for pid in range(1, people + 1):
        female = rng.random() < 0.15
        employed = rng.random() < 0.45
        days = [5, 6] if employed else rng.sample(range(5), rng.randint(2, 4)) + ([5] if rng.random() < 0.4 else [])
        availability = {d: frozenset({"morning", "afternoon"}) for d in days}
        remaining = rng.choice([2, 6, 20, 40, 60, 80, 100, 150]) * 60
        weeks_left = rng.randint(4, 50)
        urgency = round(min(5.0, remaining / 360 / weeks_left * 2 + 0.5), 2)
        flags = frozenset(f for f in FLAGS if rng.random() < 0.05)
        person_list.append(
            Person(
                id=pid,
                name=f"Person {pid}",
                female=female,
                remaining_minutes=remaining,
                availability=availability,
                home=(centre[0] + rng.uniform(-0.15, 0.15), centre[1] + rng.uniform(-0.25, 0.25)),
                max_travel_minutes=rng.choice([45, 60, 60, 90]),
                flags=flags,
                preference=(rng.choice(["mixed", "mixed", "women_only", "individual"]) if female else ""),
                group_unsuitable=rng.random() < 0.03,
                assessed=rng.random() > 0.05,
                backlog=rng.random() < 0.02,
                urgency=urgency,
                at_risk=urgency > 2.5,
                last_project=rng.randint(1, projects) if rng.random() < 0.6 else None,
            )
        )
    return person_list


def _last_projects(rng: random.Random, person_list: list[Person], session_list: list[Session]) -> list[Person]:
    """Most people who worked last week did so on a project they can still reach and work on,
    more often a near one (last week's plan kept travel short too)."""
    nearest: dict[int, dict[int, int]] = {}
    nearby = Nearby(session_list)  # only these can fit
    for person in person_list:
        nearest[person.id] = {}
        for s in nearby.around(person, SPEED_KMH):
            if pair_problem(person, s, SPEED_KMH) is None:
                minutes = travel_cost(person, s, SPEED_KMH)
                nearest[person.id][s.project_id] = min(minutes, nearest[person.id].get(s.project_id, minutes))
    return [
        replace(
            p,
            last_project=rng.choices(
                sorted(nearest[p.id]), weights=[1 / nearest[p.id][project] ** 2 for project in sorted(nearest[p.id])]
            )[0],
        )
        if p.last_project is not None and nearest[p.id] and rng.random() < 0.8
        else p
        for p in person_list
    ]


def _non_associations(rng: random.Random, person_list: list[Person]) -> list[Person]:
    """A non-association for about one person in forty, named on both."""
    ids = [p.id for p in person_list]
    pairs = set()
    for _ in range(max(1, len(person_list) // 40)):
        a, b = rng.sample(ids, 2)
        pairs.add((min(a, b), max(a, b)))
    final = []
    for p in person_list:
        enemies = frozenset(b if a == p.id else a for a, b in pairs if p.id in (a, b))
        final.append(replace(p, non_associations=enemies))
    return final
