"""CP-SAT's settings for the engine: how many workers, which, and the names of its statuses."""

import os
from typing import Any

from ortools.sat.python import cp_model

GAP = 0.0001  # stop when the plan is this close to the bound (relative)
SEED = 7  # CP-SAT's random seed: the same week, the same plan, with one worker

# CP-SAT's workers, in the order they are given to the cores (see `new_solver`).
SUBSOLVERS = ("max_lp", "reduced_costs", "default_lp", "quick_restart", "core", "pseudo_costs", "no_lp", "fixed")
SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
STATUS_NAMES: dict[Any, str] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.UNKNOWN: "UNKNOWN",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
}


def default_workers() -> int:
    """CP-SAT workers when none are asked for: every core of the machine."""
    return os.cpu_count() or 1


def new_solver(seconds: float, workers: int, seed: int = SEED) -> cp_model.CpSolver:
    """A CP-SAT solver for `seconds` on `workers` workers, searching from `seed`."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.relative_gap_limit = GAP / 2
    if workers == 1:
        # One worker on the LP relaxation with cuts: the relaxation is nearly integral, so this
        # proves optimality fastest.
        solver.parameters.linearization_level = 2
    else:
        # The same worker first, then others; left to itself CP-SAT gives two or three workers
        # none with cuts, and they find the core's optimum far more slowly.
        solver.parameters.subsolvers.extend(SUBSOLVERS)
    return solver
