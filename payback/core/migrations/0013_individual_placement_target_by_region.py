from typing import Any

from django.db import migrations


def by_region(apps: Any, schema_editor: Any) -> None:
    """The individual placement target becomes one per region (with a default for the rest)."""
    PolicyVersion = apps.get_model("core", "PolicyVersion")
    for version in PolicyVersion.objects.filter(key="individual_placement_target_percent"):
        if isinstance(version.value, int):
            version.value = {"default": version.value}
            version.save(update_fields=["value"])


def one_for_all(apps: Any, schema_editor: Any) -> None:
    PolicyVersion = apps.get_model("core", "PolicyVersion")
    for version in PolicyVersion.objects.filter(key="individual_placement_target_percent"):
        if isinstance(version.value, dict):
            version.value = version.value.get("default", 20)
            version.save(update_fields=["value"])


class Migration(migrations.Migration):
    dependencies = [("core", "0012_extension_deadline_policy")]
    operations = [migrations.RunPython(by_region, one_for_all)]
