from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kinlink.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from kinlink.accounts.selectors import is_administrator
        from kinlink.core.navigation import NavLink, register_nav_link

        register_nav_link(NavLink(_("Users"), "accounts:user_list", is_administrator, 90))
