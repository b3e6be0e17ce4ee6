from django.db import migrations

FLAGS = [
    ("not-near-children", "Not near children", "Must not work where children are present", True),
    ("not-with-vulnerable-adults", "Not with vulnerable adults", "Must not work near vulnerable adults", True),
    ("not-with-women", "Not with women", "Must not be placed in a group with women", True),
    ("domestic-abuse-perpetrator", "Domestic abuse perpetrator", "Known perpetrator of domestic abuse", True),
    ("arson", "Arson", "History of arson: no fires, fuels or ignition sources on site", True),
    ("violence", "Violence", "History of violence", True),
    ("sexual-offending", "Sexual offending", "History of sexual offending", True),
    ("hate-crime", "Hate crime", "History of hate crime", True),
    ("weapons", "Weapons", "History of carrying or using weapons: tools controlled closely", True),
    ("self-harm", "Self-harm", "Risk of self-harm: supervisor to be aware", True),
]


def load(apps, schema_editor):
    RiskFlag = apps.get_model("cases", "RiskFlag")
    for code, label, description, shown in FLAGS:
        RiskFlag.objects.get_or_create(
            code=code, defaults={"label": label, "description": description, "shown_to_supervisors": shown}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_induction_assessment_risk")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
