"""What `solve` returns when CP-SAT found no plan: the greedy baseline's, if it keeps every rule,
saying so and why; otherwise no plan, with the reason for everyone."""

import time
from typing import Any

from .cpsat import STATUS_NAMES
from .greedy import greedy
from .model import Instance, Plan
from .verifier import violations

PINS_CONFLICT = "The pinned choices cannot all be kept together within the rules: unpin one and run again"


def without_solver_plan(instance: Instance, started: float, time_limit: float, failed: Any) -> Plan:
    """When CP-SAT found no plan: the greedy baseline's, if it keeps every rule, saying so (its
    status is GREEDY and the note says why); otherwise no plan, with the reason for everyone."""
    solver_status = STATUS_NAMES.get(failed, "UNKNOWN") if failed is not None else "UNKNOWN"
    fallback = greedy(instance)
    if fallback.assignments and not violations(instance, fallback.assignments):
        if solver_status == "INFEASIBLE":
            why = "The solver's model has no plan (INFEASIBLE) although the greedy baseline's plan keeps every rule"
        else:
            why = f"The solver found no plan within the time limit of {time_limit:g} seconds ({solver_status})"
        fallback.solver_status = solver_status
        fallback.note = why + ": this is the greedy baseline's plan, not an optimised one"
        fallback.seconds = time.perf_counter() - started
        return fallback
    if solver_status == "INFEASIBLE":
        return _no_plan(instance, started, "INFEASIBLE", PINS_CONFLICT)
    return _no_plan(
        instance,
        started,
        "UNKNOWN",
        f"No plan could be found within the time limit of {time_limit:g} seconds: allow more time",
        solver_status=solver_status,
    )


def _no_plan(instance: Instance, started: float, status: str, message: str, *, solver_status: str = "") -> Plan:
    return Plan(
        assignments=[],
        reasons={p.id: message for p in instance.people},
        objective=0.0,
        bound=None,
        status=status,
        seconds=time.perf_counter() - started,
        solver_status=solver_status or status,
        note=message,
    )
