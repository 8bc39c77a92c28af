"""Seed the four deadline policies of the draft Beijing standard and the official calendar.

The calendar comes from the chinese-calendar package (its data ends in 2026); administrators add
later years by hand or with `minsheng sync_calendar` once a newer package is installed.
"""

from django.db import migrations

POLICIES = [
    ("emergency", "紧急 · 2小时", 1, 2, None, "危及生命财产安全的紧急诉求，2小时内反馈。"),
    ("utility", "水电气热 · 24小时", 2, 24, None, "供水、供电、供气、供热诉求，24小时内办结。"),
    ("general", "一般 · 7个工作日", 24, None, 7, "一般诉求，7个工作日内办结。"),
    ("complex", "复杂 · 15个工作日", 24, None, 15, "涉及多部门或需现场处置的复杂诉求，15个工作日内办结。"),
]

NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
FIRST_YEAR = 2020


def seed(apps, schema_editor):
    import chinese_calendar

    DeadlinePolicy = apps.get_model("sla", "DeadlinePolicy")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    CalendarYear = apps.get_model("sla", "CalendarYear")
    for code, name, accept, hours, workdays, description in POLICIES:
        DeadlinePolicy.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "accept_hours": accept, "resolve_hours": hours,
                "resolve_workdays": workdays, "allow_pause": workdays is not None,
                "description": description,
            },
        )
    years = sorted(y for y in {d.year for d in chinese_calendar.holidays} if y >= FIRST_YEAR)
    rows = [
        CalendarDay(date=d, kind="holiday", name=NAMES.get(str(n), str(n)))
        for d, n in chinese_calendar.holidays.items() if d.year in years
    ] + [
        CalendarDay(date=d, kind="workday", name=NAMES.get(str(n), str(n)))
        for d, n in chinese_calendar.workdays.items() if d.year in years and d.weekday() >= 5
    ]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    for year in years:
        CalendarYear.objects.get_or_create(
            year=year, defaults={"source": f"chinese-calendar {chinese_calendar.__version__}"}
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
