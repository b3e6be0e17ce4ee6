"""The weekly allocation engine: plain data in, a plan and reasons out. No Django in the engine
modules (model, rules, solver, verifier, greedy, instance, generator: see docs/allocation.md);
`adapter` reads and writes the database."""
