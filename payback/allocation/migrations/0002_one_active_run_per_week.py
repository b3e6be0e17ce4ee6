from django.db import migrations, models


def fail_duplicate_active_runs(apps, schema_editor):
    """Runs started twice at once before the constraint existed: keep the newest, mark the rest failed."""
    AllocationRun = apps.get_model("allocation", "AllocationRun")
    seen = set()
    for run in AllocationRun.objects.filter(status__in=["queued", "running"]).order_by("-created_at", "-id"):
        key = (run.pdu_id, run.week_start)
        if key in seen:
            run.status = "failed"
            run.message = "Started twice at the same time: the later start is the one kept"
            run.save(update_fields=["status", "message"])
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0001_allocation_run"),
    ]

    operations = [
        migrations.RunPython(fail_duplicate_active_runs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="allocationrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("pdu", "week_start"),
                name="allocation_one_active_run_per_week",
            ),
        ),
    ]
