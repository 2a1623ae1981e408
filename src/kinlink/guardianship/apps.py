from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "kinlink.guardianship"
    label = "guardianship"
    verbose_name = _("Guardianship")

    def ready(self) -> None:
        from kinlink.core.navigation import NavLink, register_nav_link
        from kinlink.guardianship import contact_plan
        from kinlink.guardianship.access import can_read_guardianship
        from kinlink.guardianship.selectors import guardianship_timeline
        from kinlink.registry.hooks import (
            ChildLink,
            register_child_link,
            register_timeline_source,
        )

        register_nav_link(
            NavLink(_("Guardianship"), "guardianship:worklist", can_read_guardianship, 50)
        )
        register_child_link(
            ChildLink(_("Guardianship"), "guardianship:child", can_read_guardianship, 50)
        )
        register_timeline_source("guardianship", _("Guardianship"), guardianship_timeline, 40)
        # The connection app's published contact-plan function, if that app is installed.
        contact_plan.connect()
