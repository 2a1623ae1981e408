from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "kinlink.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from kinlink.core.navigation import NavLink, register_nav_link
        from kinlink.registry import access, selectors
        from kinlink.registry.hooks import register_timeline_source

        register_nav_link(
            NavLink(
                _("Children"), "registry:child_list", lambda u: bool(access.readable_groups(u)), 10
            )
        )
        register_nav_link(
            NavLink(
                _("Register a child"), "registry:child_register", access.can_register_children, 20
            )
        )
        register_nav_link(
            NavLink(
                _("Overview"),
                "registry:overview",
                lambda u: bool(access.readable_groups(u)) and u.scope_id is not None,
                30,
            )
        )
        register_timeline_source(
            "registry", _("Registration and family"), selectors.registry_timeline, 10
        )
        register_nav_link(NavLink(_("Merged records"), "registry:merge_list", access.can_merge, 35))
