from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0008_allocation_policy")]

    operations = [
        migrations.AddField(
            model_name="policyversion",
            name="backdating_reason",
            field=models.CharField(blank=True, default="", max_length=500),
        ),
    ]
