"""Policy fields of the engine: reopen deadline, two-step extension approval, escalation and
return-visit timing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_seed_policies_and_calendar")]

    operations = [
        migrations.AddField(
            model_name="deadlinepolicy",
            name="reopen_workdays",
            field=models.PositiveIntegerField(
                "重办时限（工作日）",
                null=True,
                blank=True,
                help_text="重办时给原单位的较短办结时限；不填则按原时限重新计算",
            ),
        ),
        migrations.AddField(
            model_name="deadlinepolicy",
            name="extension_needs_leader",
            field=models.BooleanField(
                "延期须单位负责人先审核",
                default=False,
                help_text="先由单位负责人审核，再报热线中心审批",
            ),
        ),
        migrations.AddField(
            model_name="deadlinepolicy",
            name="escalate_workdays",
            field=models.PositiveIntegerField(
                "催办后督办（工作日）",
                default=2,
                help_text="催办后仍未办结，再过几个工作日报督办员督办",
            ),
        ),
        migrations.AddField(
            model_name="deadlinepolicy",
            name="visit_after_hours",
            field=models.PositiveIntegerField(
                "答复后回访（小时）",
                default=24,
                help_text="答复后多少小时进入回访任务，并向群众发送评价短信",
            ),
        ),
        migrations.AddField(
            model_name="deadlinepolicy",
            name="unrated_close_days",
            field=models.PositiveIntegerField(
                "未评价自动办结（天）",
                null=True,
                blank=True,
                default=7,
                help_text="答复后多少天群众仍未评价，按“未评价”办结；不填则留给话务员电话回访",
            ),
        ),
    ]
