"""The weekly allocation engine: plain data in, a plan and reasons out.

`model` (the plain data), `rules` (the hard rules between a person and a session, and the
reasons), `objective` (the goals), `solver` (CP-SAT, with `problem`: the model, and
`neighbourhoods`: the parts of a plan it re-plans together), `decompose` (a week larger than a
PDU's, in parts side by side, with `relaxation`, `parts` and `border`), `greedy` (the baseline),
`verifier` (an independent check of a whole plan), `edits` (a coordinator's hand edits),
`instance` and `week_schema` (the week as JSON, read strictly), `generator` (weeks for tests and
benchmarks) and `cli`. No Django and no app here: an import-linter contract forbids it, directly
or indirectly. The rules shared with booking by hand are in `payback.placement`."""
