"""The parts of a plan the solver re-plans together in its large neighbourhood search (steps 2 and
3 of `solver`'s docstring): the sessions around each woman left the only woman in a group with
men, each day, pairs and triples of days, and linked sessions (those sharing the most candidates).
Deterministic: the same week gives the same neighbourhoods in the same order."""

import random
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

from .model import Person, Session
from .objective import Pair

NEIGHBOURHOOD = 2500  # placements re-planned at once, at most


def women_neighbourhood(pairs: list[Pair], people: dict[int, Person], lone: list[Pair]) -> set[Pair]:
    """What may change to settle each woman who is the only woman in a group with men: who is
    in that session, and where she and every other woman who could join it go."""
    by_session: dict[int, list[Pair]] = defaultdict(list)
    by_person: dict[int, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_session[pair[1]].append(pair)
        by_person[pair[0]].append(pair)
    free: set[Pair] = set()
    for woman, sid in lone:
        free.update(by_session[sid])
        free.update(by_person[woman])
        for pid, _sid in by_session[sid]:
            if people[pid].female:
                free.update(by_person[pid])
    return free


def neighbourhoods(pairs: list[Pair], sessions: dict[int, Session], first: list[str]) -> Iterator[set[Pair]]:
    """Sets of placements to re-plan together: each day (those in `first` first); then, in
    turn, linked sessions (a session, then again and again the session sharing the most
    candidates with those chosen, on any day) and pairs and triples of days, so that people
    can move between days."""
    by_day: dict[str, set[Pair]] = defaultdict(set)
    by_session: dict[int, set[Pair]] = defaultdict(set)
    for pair in pairs:
        by_day[sessions[pair[1]].day].add(pair)
        by_session[pair[1]].add(pair)
    days = sorted(by_day, key=lambda d: (d not in first, -len(by_day[d])))
    if len(days) > 1:
        for day in days:
            yield by_day[day]
    rng = random.Random(7)
    groups = [g for k in (2, 3) for g in combinations(days, k) if len(g) < len(days)]
    rng.shuffle(groups)
    groups.sort(key=len)
    centres = sorted(by_session)
    rng.shuffle(centres)
    budget = max(200, min(len(pairs) // 2, NEIGHBOURHOOD))
    people_in = {sid: {pid for pid, _sid in found} for sid, found in by_session.items()}
    for i in range(max(len(groups), len(centres))):
        if i < len(centres):
            linked, size = _linked(centres[i], by_session, people_in, budget, rng)
            if size < len(pairs):
                yield linked
        if i < len(groups):
            yield set().union(*(by_day[d] for d in groups[i]))


def _linked(
    centre: int,
    by_session: dict[int, set[Pair]],
    people_in: dict[int, set[int]],
    budget: int,
    rng: random.Random,
) -> tuple[set[Pair], int]:
    """A session, then again and again the session sharing the most candidates with those chosen,
    while the placements stay within `budget`; with how many placements they hold."""
    chosen = {centre}
    reach = set(people_in[centre])
    size = len(by_session[centre])
    while len(chosen) < len(by_session):
        _shared, _tie, sid = max(
            (len(people_in[sid] & reach), rng.random(), sid) for sid in by_session if sid not in chosen
        )
        if size + len(by_session[sid]) > budget:
            break
        chosen.add(sid)
        reach |= people_in[sid]
        size += len(by_session[sid])
    return set().union(*(by_session[sid] for sid in chosen)), size
