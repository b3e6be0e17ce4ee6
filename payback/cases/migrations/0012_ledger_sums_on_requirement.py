"""The ledger's running sums move from `LedgerTotals` onto the requirement itself, so that what
remains (ordered + variations − credits) reads from the requirement's own row and the open cases'
index, with no join: the caseload's count and its "at risk" filter stop growing with the country."""

from django.db import migrations, models

COPY_SUMS = """
UPDATE cases_requirement SET
  credited_minutes = COALESCE(
    (SELECT t.credited_minutes FROM cases_ledgertotals t WHERE t.requirement_id = cases_requirement.id), 0),
  variation_minutes = COALESCE(
    (SELECT t.variation_minutes FROM cases_ledgertotals t WHERE t.requirement_id = cases_requirement.id), 0)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_open_cases_index"),
        ("core", "0010_ledger_totals_guard"),
    ]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="credited_minutes",
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="requirement",
            name="variation_minutes",
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(COPY_SUMS, migrations.RunSQL.noop),
        migrations.RemoveIndex(
            model_name="requirement",
            name="requirement_open_due",
        ),
        migrations.AddIndex(
            model_name="requirement",
            index=models.Index(
                condition=models.Q(("status__in", ("completed", "revoked", "transferred_out")), _negated=True),
                fields=["due_date"],
                include=("id", "ordered_minutes", "credited_minutes", "variation_minutes"),
                name="requirement_open_due",
            ),
        ),
        migrations.DeleteModel(
            name="LedgerTotals",
        ),
    ]
