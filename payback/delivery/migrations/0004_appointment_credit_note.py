from typing import Any

from django.db import migrations, models


def notes_from_closed_registers(apps: Any, schema_editor: Any) -> None:
    """Each credit's explanation, from the answer kept when its register was closed."""
    Appointment = apps.get_model("delivery", "Appointment")
    IdempotentRequest = apps.get_model("delivery", "IdempotentRequest")
    for stored in IdempotentRequest.objects.filter(scope="register").iterator():
        response = stored.response or {}
        if not response.get("closed"):
            continue
        for line in response.get("lines", []):
            if line.get("note"):
                Appointment.objects.filter(pk=line["appointment_id"], credit_note="").update(credit_note=line["note"])


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0003_appointment_conflict"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="credit_note",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(notes_from_closed_registers, migrations.RunPython.noop),
    ]
