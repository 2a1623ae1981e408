from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionConfig(AppConfig):
    name = "kinlink.connection"
    label = "connection"
    verbose_name = _("Family connection and income")

    def ready(self) -> None:
        # tasks registers the job that rewrites remittances by month, so the worker knows it.
        from kinlink.connection import tasks  # noqa: F401
        from kinlink.connection.selectors import connection_timeline
        from kinlink.core.navigation import NavLink, register_nav_link
        from kinlink.registry import access
        from kinlink.registry.access import Group
        from kinlink.registry.hooks import (
            ChildLink,
            register_child_link,
            register_timeline_source,
        )

        def may_read(user) -> bool:
            return bool(user.is_authenticated and access.can_read(user, Group.FAMILY))

        register_nav_link(
            NavLink(_("Assistance comparison"), "connection:comparison", may_read, 60)
        )
        register_child_link(ChildLink(_("Contact and income"), "connection:child", may_read, 60))
        register_timeline_source("connection", _("Contact with parents"), connection_timeline, 30)
