"""The running ledger totals can only ever hold the sums of the ledger.

The application role may write `cases_ledgertotals` (the ledger service adds to it in the same
transaction as each entry, and rebuilds it), but every insert or update must leave each row equal
to its requirement's ledger, and a row may only be deleted if it is put back before the
transaction commits (a rebuild) or its requirement goes too.
"""

from django.db import migrations

CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION payback_ledger_totals_match() RETURNS trigger AS $$
DECLARE
  wrong bigint;
BEGIN
  SELECT n.requirement_id INTO wrong
  FROM payback_new_totals n
  LEFT JOIN (
    SELECT e.requirement_id,
           COALESCE(SUM(e.minutes) FILTER (WHERE e.kind <> 'court_variation'), 0) AS credited,
           COALESCE(SUM(e.minutes) FILTER (WHERE e.kind = 'court_variation'), 0) AS variation
    FROM cases_ledgerentry e
    WHERE e.requirement_id IN (SELECT requirement_id FROM payback_new_totals)
    GROUP BY e.requirement_id
  ) s ON s.requirement_id = n.requirement_id
  WHERE n.credited_minutes <> COALESCE(s.credited, 0) OR n.variation_minutes <> COALESCE(s.variation, 0)
  LIMIT 1;
  IF wrong IS NOT NULL THEN
    RAISE EXCEPTION 'cases_ledgertotals must equal the sums of the ledger (requirement %%): '
      'add a ledger entry instead', wrong
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

KEPT_FUNCTION = """
CREATE OR REPLACE FUNCTION payback_ledger_totals_kept() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM cases_requirement WHERE id = OLD.requirement_id)
     AND NOT EXISTS (SELECT 1 FROM cases_ledgertotals WHERE requirement_id = OLD.requirement_id) THEN
    RAISE EXCEPTION 'cases_ledgertotals of requirement %% was deleted and not rebuilt', OLD.requirement_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

TRIGGERS = [
    "CREATE TRIGGER cases_ledgertotals_match_on_insert AFTER INSERT ON cases_ledgertotals "
    "REFERENCING NEW TABLE AS payback_new_totals FOR EACH STATEMENT EXECUTE FUNCTION payback_ledger_totals_match()",
    "CREATE TRIGGER cases_ledgertotals_match_on_update AFTER UPDATE ON cases_ledgertotals "
    "REFERENCING NEW TABLE AS payback_new_totals FOR EACH STATEMENT EXECUTE FUNCTION payback_ledger_totals_match()",
    "CREATE CONSTRAINT TRIGGER cases_ledgertotals_kept AFTER DELETE ON cases_ledgertotals "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payback_ledger_totals_kept()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CHECK_FUNCTION)
    schema_editor.execute(KEPT_FUNCTION)
    for statement in TRIGGERS:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("match_on_insert", "match_on_update", "kept"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS cases_ledgertotals_{name} ON cases_ledgertotals")
    schema_editor.execute("DROP FUNCTION IF EXISTS payback_ledger_totals_match()")
    schema_editor.execute("DROP FUNCTION IF EXISTS payback_ledger_totals_kept()")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_policy_backdating_reason"), ("cases", "0007_ledger_totals_and_due_dates")]
    operations = [migrations.RunPython(forwards, backwards)]
