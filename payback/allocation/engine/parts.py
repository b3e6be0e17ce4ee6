"""A large week split into parts that are planned side by side (`decompose`): sessions grouped by
where people can reach them, and each person in the part where the week's relaxation places them.

Sessions are first grouped into clusters that people link (a person who fits two sessions links
them): nobody can be placed across two clusters, so they are planned apart without loss. A cluster
larger than `part_pairs` candidate placements (about two PDUs' weeks) is split by where its
sessions are (weighted k-means, seeded deterministically) into parts of about that size, and
small clusters are packed together. A week of one PDU is one part, planned exactly as before."""

import math
from collections import defaultdict
from dataclasses import dataclass

from .model import Instance, Session
from .objective import Pair

PART_PAIRS = 11_000  # candidate placements in a part, about (at most twice) a PDU's week
ROUNDS = 25  # k-means rounds


@dataclass(frozen=True)
class Part:
    people: frozenset[int]
    sessions: frozenset[int]

    def instance(self, week: Instance) -> Instance:
        """The part as a week of its own: its people and sessions, with the pins, hand removals
        and published placements between them."""

        def inside(pairs: list[Pair]) -> list[Pair]:
            return [(p, s) for p, s in pairs if p in self.people and s in self.sessions]

        return Instance(
            people=[p for p in week.people if p.id in self.people],
            sessions=[s for s in week.sessions if s.id in self.sessions],
            weights=week.weights,
            pinned=inside(week.pinned),
            forbidden=inside(week.forbidden),
            published=inside(week.published),
            speed_kmh=week.speed_kmh,
        )


def pair_count(fits: dict[int, list[Session]]) -> int:
    return sum(len(options) for options in fits.values())


def may_split(fits: dict[int, list[Session]], part_pairs: int | None = None) -> bool:
    """Whether the week may be more than one part of `part_pairs` (by default `PART_PAIRS`)
    candidate placements: a week under one and a half parts never is."""
    return pair_count(fits) >= 1.5 * (part_pairs or PART_PAIRS)


def split(
    instance: Instance,
    fits: dict[int, list[Session]],
    placed: dict[Pair, float],
    part_pairs: int | None = None,
) -> list[Part]:
    """The parts of the week, of about `part_pairs` candidate placements (by default `PART_PAIRS`):
    `placed` is where the relaxation places people (pair to its value), deciding each person's
    part. Parts hold only people and sessions that fit someone."""
    groups = _session_groups(instance, fits, part_pairs or PART_PAIRS)
    group_of = {sid: index for index, group in enumerate(groups) for sid in group}
    home = {pid: _home(pid, options, group_of, placed) for pid, options in fits.items() if options}
    # A person pinned to sessions in two groups joins them: a pin is kept within a part.
    merged = list(range(len(groups)))

    def root(g: int) -> int:
        while merged[g] != g:
            merged[g] = merged[merged[g]]
            g = merged[g]
        return g

    for pid, sid in instance.pinned:
        if pid in home and sid in group_of:
            merged[root(group_of[sid])] = root(home[pid])
            home[pid] = root(home[pid])
    people: dict[int, set[int]] = defaultdict(set)
    sessions: dict[int, set[int]] = defaultdict(set)
    for pid, g in home.items():
        people[root(g)].add(pid)
    for sid, g in group_of.items():
        sessions[root(g)].add(sid)
    return [Part(frozenset(people[g]), frozenset(sessions[g])) for g in sorted(sessions)]


def _home(pid: int, options: list[Session], group_of: dict[int, int], placed: dict[Pair, float]) -> int:
    """The group where the relaxation places the person most; if nowhere, where most of the
    sessions they fit are (the lowest such group on a tie)."""
    weight: dict[int, float] = defaultdict(float)
    for s in options:
        weight[group_of[s.id]] += 1000.0 * placed.get((pid, s.id), 0.0) + 1.0
    return min(weight, key=lambda g: (-weight[g], g))


def _session_groups(instance: Instance, fits: dict[int, list[Session]], part_pairs: int) -> list[list[int]]:
    """Sessions in groups: clusters people link, each large one split by place, small ones packed
    together. Sessions nobody fits are in none (nobody can be placed in them)."""
    size: dict[int, int] = defaultdict(int)
    for options in fits.values():
        for s in options:
            size[s.id] += 1
    groups: list[list[int]] = []
    small: list[list[int]] = []
    for cluster in clusters(fits):
        pairs = sum(size[sid] for sid in cluster)
        k = max(1, round(pairs / part_pairs))
        if k == 1:
            small.append(cluster)
        else:
            groups.extend(_k_means(instance, cluster, size, k))
    bin_: list[int] = []
    for cluster in small:
        bin_ += cluster
        if sum(size[sid] for sid in bin_) >= part_pairs:
            groups.append(bin_)
            bin_ = []
    if bin_:
        groups.append(bin_)
    return [sorted(group) for group in groups]


def clusters(fits: dict[int, list[Session]]) -> list[list[int]]:
    """Sessions linked by people who fit more than one, in clusters (each sorted, in order of
    their first session)."""
    parent: dict[int, int] = {}

    def root(sid: int) -> int:
        parent.setdefault(sid, sid)
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    for options in fits.values():
        for s in options:
            parent[root(s.id)] = root(options[0].id)
    found: dict[int, list[int]] = defaultdict(list)
    for sid in sorted(parent):
        found[root(sid)].append(sid)
    return sorted(found.values())


def _k_means(instance: Instance, cluster: list[int], size: dict[int, int], k: int) -> list[list[int]]:
    """The cluster's sessions in `k` groups by place, each session weighted by how many people fit
    it: first centres as far apart as can be (from the busiest session), then rounds of k-means."""
    where = _where(instance, cluster)
    centres = [where[max(cluster, key=lambda sid: (size[sid], -sid))]]
    while len(centres) < k:
        centres.append(where[max(cluster, key=lambda sid: (min(_far(where[sid], c) for c in centres), -sid))])
    groups: list[list[int]] = []
    for _ in range(ROUNDS):
        groups = [[] for _ in centres]
        for sid in cluster:
            groups[min(range(len(centres)), key=lambda i: (_far(where[sid], centres[i]), i))].append(sid)
        groups = [g for g in groups if g]
        moved = [_centre(g, where, size) for g in groups]
        if moved == centres:
            break
        centres = moved
    return groups


def _where(instance: Instance, cluster: list[int]) -> dict[int, tuple[float, float]]:
    """Each session's point on a flat map; a session whose site is unknown is put at the middle of
    the cluster's known ones (it is grouped, not placed: travel to it is not checked)."""
    members = set(cluster)
    known = {s.id: _flat(s.location) for s in instance.sessions if s.id in members and s.location is not None}
    middle = (
        (sum(p[0] for p in known.values()) / len(known), sum(p[1] for p in known.values()) / len(known))
        if known
        else (0.0, 0.0)
    )
    return {sid: known.get(sid, middle) for sid in cluster}


def _flat(location: tuple[float, float]) -> tuple[float, float]:
    """A point on a flat map, in kilometres (good enough across a region)."""
    return (location[0] * 111.32, location[1] * 111.32 * math.cos(math.radians(location[0])))


def _far(a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _centre(group: list[int], where: dict[int, tuple[float, float]], size: dict[int, int]) -> tuple[float, float]:
    total = sum(size[sid] for sid in group)
    return (
        sum(where[sid][0] * size[sid] for sid in group) / total,
        sum(where[sid][1] * size[sid] for sid in group) / total,
    )
