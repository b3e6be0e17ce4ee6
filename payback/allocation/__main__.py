"""Run the engine on a week in JSON: python -m payback.allocation --instance week.json --time-limit 10"""

import argparse
import json
import sys

from .greedy import greedy
from .instance import InstanceError, load, plan_to_dict
from .solver import solve
from .verifier import violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m payback.allocation", description=__doc__)
    parser.add_argument("--instance", required=True, help="the week as JSON (see docs/allocation.md)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds for the solver")
    parser.add_argument("--greedy", action="store_true", help="use the simple baseline instead of the solver")
    args = parser.parse_args(argv)
    try:
        instance = load(args.instance)
    except (OSError, InstanceError, json.JSONDecodeError) as error:
        print(f"Cannot read the week: {error}", file=sys.stderr)
        return 2
    plan = greedy(instance) if args.greedy else solve(instance, time_limit=args.time_limit)
    result = plan_to_dict(plan)
    result["violations"] = violations(instance, plan.assignments)
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0 if not result["violations"] and plan.status != "INFEASIBLE" else 1


if __name__ == "__main__":
    raise SystemExit(main())
