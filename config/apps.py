"""Third-party apps named in the staff's language in the admin."""

from typing import cast

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksConfig(TasksAppConfig):
    # Not "Tasks Database Backend"; lazy, so the admin shows it in the user's language.
    verbose_name = cast(str, _("后台任务队列"))
