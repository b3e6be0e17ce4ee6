from django.db import migrations

from ._loaders import load_missing_policy_rules


class Migration(migrations.Migration):
    dependencies = [("core", "0015_oversight_policy")]
    operations = [migrations.RunPython(load_missing_policy_rules, migrations.RunPython.noop)]
