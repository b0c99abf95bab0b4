from django.apps import AppConfig


class SignupConfig(AppConfig):
    name = "yizuyihui.signup"
    label = "signup"
    verbose_name = "residents join themselves"

    def ready(self) -> None:
        from yizuyihui.core.plugins import register_provider
        from yizuyihui.signup.selectors import waiting_accounts_with_phone

        # SMS login (accounts) finds a resident still waiting for the grid worker: they have an
        # account but no person on the register yet.
        register_provider("phone_accounts", waiting_accounts_with_phone)
