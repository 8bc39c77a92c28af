from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minsheng.accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from minsheng.accounts import middleware  # noqa: F401 - connects the sign-in receiver
