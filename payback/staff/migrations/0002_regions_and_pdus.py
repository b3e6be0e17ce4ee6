from django.db import migrations


def load(apps, schema_editor):
    from payback.staff.regions import REGIONS, pdu_code

    Region = apps.get_model("staff", "Region")
    Pdu = apps.get_model("staff", "Pdu")
    for code, (name, pdus) in REGIONS.items():
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": name})
        for index, pdu_name in enumerate(pdus):
            Pdu.objects.get_or_create(code=pdu_code(code, index), defaults={"name": pdu_name, "region": region})


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
