from django.db import migrations


def load(apps, schema_editor):
    from payback.core.policy import RULES, SERVICE_START

    PolicyVersion = apps.get_model("core", "PolicyVersion")
    for rule in RULES.values():
        PolicyVersion.objects.get_or_create(
            key=rule.key,
            effective_from=SERVICE_START,
            defaults={"value": rule.initial, "reason": "Value when the service began"},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
