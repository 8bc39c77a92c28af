"""Third-party apps named in the staff's language in the admin."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksConfig(TasksAppConfig):
    verbose_name = _("后台任务队列")  # not "Tasks Database Backend"
