from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A member of staff who signs in: agent, dispatcher, handler, leader, supervisor, admin.

    What a user may do comes from their memberships of units (orgs.Membership).
    """

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
