from django.db import migrations


def load(apps, schema_editor):
    from payback.core.policy import RULES, SERVICE_START

    PolicyVersion = apps.get_model("core", "PolicyVersion")
    for rule in RULES.values():
        if not PolicyVersion.objects.filter(key=rule.key).exists():
            PolicyVersion.objects.create(
                key=rule.key, effective_from=SERVICE_START, value=rule.initial, reason="Value when the service began"
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_induction_policy")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
