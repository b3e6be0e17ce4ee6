"""The weekly allocation engine: plain data in, a plan and reasons out. No Django in the engine
modules (model, solver, verifier, greedy, reasons, instance); `adapter` reads and writes the
database."""
