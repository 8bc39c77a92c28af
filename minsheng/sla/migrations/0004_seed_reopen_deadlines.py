"""Reopened tickets (重办) get a shorter deadline on the working-day policies."""

from django.db import migrations

REOPEN_WORKDAYS = {"general": 3, "complex": 5}


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("sla", "DeadlinePolicy")
    for code, workdays in REOPEN_WORKDAYS.items():
        DeadlinePolicy.objects.filter(code=code, reopen_workdays__isnull=True).update(
            reopen_workdays=workdays
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_policy_engine_fields")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
