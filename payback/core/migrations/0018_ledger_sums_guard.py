"""The ledger's running sums on each requirement can only ever hold the sums of its ledger.

They moved from `cases_ledgertotals` onto `cases_requirement` (cases migration 0012), and the guard
of migration 0010 with them: the application role may update a requirement (its status, its dates,
and its sums, which the ledger service adds to in the same transaction as each entry), but every
statement that changes a requirement's sums, or inserts one with sums other than nothing, must
leave them equal to its ledger: credits (every kind but court variations) and court variations.
"""

from django.db import migrations

CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION payback_ledger_sums_match() RETURNS trigger AS $$
DECLARE
  wrong bigint;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT n.id INTO wrong
    FROM payback_new_requirements n
    JOIN payback_old_requirements o ON o.id = n.id
    CROSS JOIN LATERAL (
      SELECT COALESCE(SUM(e.minutes) FILTER (WHERE e.kind <> 'court_variation'), 0) AS credited,
             COALESCE(SUM(e.minutes) FILTER (WHERE e.kind = 'court_variation'), 0) AS variation
      FROM cases_ledgerentry e WHERE e.requirement_id = n.id
    ) s
    WHERE (n.credited_minutes, n.variation_minutes) IS DISTINCT FROM (o.credited_minutes, o.variation_minutes)
      AND (n.credited_minutes <> s.credited OR n.variation_minutes <> s.variation)
    LIMIT 1;
  ELSE
    SELECT n.id INTO wrong
    FROM payback_new_requirements n
    CROSS JOIN LATERAL (
      SELECT COALESCE(SUM(e.minutes) FILTER (WHERE e.kind <> 'court_variation'), 0) AS credited,
             COALESCE(SUM(e.minutes) FILTER (WHERE e.kind = 'court_variation'), 0) AS variation
      FROM cases_ledgerentry e WHERE e.requirement_id = n.id
    ) s
    WHERE (n.credited_minutes <> 0 OR n.variation_minutes <> 0)
      AND (n.credited_minutes <> s.credited OR n.variation_minutes <> s.variation)
    LIMIT 1;
  END IF;
  IF wrong IS NOT NULL THEN
    RAISE EXCEPTION 'the ledger sums of requirement %% must equal the sums of its ledger: '
      'add a ledger entry instead', wrong
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

TRIGGERS = [
    "CREATE TRIGGER cases_requirement_ledger_sums_on_insert AFTER INSERT ON cases_requirement "
    "REFERENCING NEW TABLE AS payback_new_requirements FOR EACH STATEMENT "
    "EXECUTE FUNCTION payback_ledger_sums_match()",
    "CREATE TRIGGER cases_requirement_ledger_sums_on_update AFTER UPDATE ON cases_requirement "
    "REFERENCING OLD TABLE AS payback_old_requirements NEW TABLE AS payback_new_requirements FOR EACH STATEMENT "
    "EXECUTE FUNCTION payback_ledger_sums_match()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The guard of 0010 went with its table (cases migration 0012); its functions go too.
    schema_editor.execute("DROP FUNCTION IF EXISTS payback_ledger_totals_match()")
    schema_editor.execute("DROP FUNCTION IF EXISTS payback_ledger_totals_kept()")
    schema_editor.execute(CHECK_FUNCTION)
    for statement in TRIGGERS:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("on_insert", "on_update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS cases_requirement_ledger_sums_{name} ON cases_requirement")
    schema_editor.execute("DROP FUNCTION IF EXISTS payback_ledger_sums_match()")


class Migration(migrations.Migration):
    dependencies = [("core", "0017_audit_request_id_worker_heartbeat"), ("cases", "0012_ledger_sums_on_requirement")]
    operations = [migrations.RunPython(forwards, backwards)]
