from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "kinlink.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from kinlink.casework.access import (
            can_read_cases,
            can_read_report,
            can_refer_intake,
            is_supervisor,
        )
        from kinlink.casework.selectors import casework_timeline, open_case_actions
        from kinlink.core.navigation import NavLink, register_nav_link
        from kinlink.registry.hooks import (
            ChildLink,
            register_child_action,
            register_child_link,
            register_timeline_source,
        )

        register_nav_link(NavLink(_("My work"), "casework:my_work", can_read_cases, 10))
        register_nav_link(NavLink(_("Supervision"), "casework:supervision", is_supervisor, 11))
        # The directory of services and the groups are reached from "My work", to keep the
        # main navigation short on a phone.
        register_nav_link(
            NavLink(_("Coping report"), "casework:coping_report", can_read_report, 70)
        )
        register_child_link(ChildLink(_("Casework"), "casework:child", can_read_cases, 30))
        register_child_link(
            ChildLink(_("Refer to a caseworker"), "casework:intake_new", can_refer_intake, 31)
        )
        register_timeline_source("casework", _("Casework"), casework_timeline, 50)
        # "Open a case" (or the case already open) on a screening's result and on worklists.
        register_child_action("casework.open_case", open_case_actions, 30)
