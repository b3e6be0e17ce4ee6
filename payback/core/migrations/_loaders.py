"""Shared by the data migrations that add initial versions of new policy rules."""

from typing import Any


def load_missing_policy_rules(apps: Any, schema_editor: Any) -> None:
    from payback.core.policy import RULES, SERVICE_START

    PolicyVersion = apps.get_model("core", "PolicyVersion")
    for rule in RULES.values():
        if not PolicyVersion.objects.filter(key=rule.key).exists():
            PolicyVersion.objects.create(
                key=rule.key, effective_from=SERVICE_START, value=rule.initial, reason="Value when the service began"
            )
