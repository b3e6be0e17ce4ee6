from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION payback_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%% is append-only: add a new record instead', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION payback_refuse_change()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_initial_policy")]
    operations = [migrations.RunPython(forwards, backwards)]
