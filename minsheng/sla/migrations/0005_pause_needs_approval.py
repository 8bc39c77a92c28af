"""Pausing the clock of a complex matter (15 working days) needs the centre's approval: the unit
asks (申请暂停计时) and the clock stops when the centre approves."""

from django.db import migrations, models

NEEDS_APPROVAL = ("complex",)


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("sla", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(code__in=NEEDS_APPROVAL, allow_pause=True).update(
        pause_needs_approval=True
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_seed_reopen_deadlines")]
    operations = [
        migrations.AddField(
            model_name="deadlinepolicy",
            name="pause_needs_approval",
            field=models.BooleanField(
                default=False,
                help_text="承办单位申请暂停计时，经热线中心批准后才停止计时",
                verbose_name="暂停计时须审批",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
