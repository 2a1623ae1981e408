from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "kinlink.identification"
    label = "identification"
    verbose_name = _("Identification")

    def ready(self) -> None:
        # tasks registers the linking job's handler, so the worker knows the job kind.
        from kinlink.core.navigation import NavLink, register_nav_link
        from kinlink.identification import services, tasks
        from kinlink.identification.access import can_identify, can_see_coverage
        from kinlink.registry.hooks import (
            ChildLink,
            merge_undone,
            register_child_link,
            register_merge_exempt,
        )

        register_nav_link(NavLink(_("Lists and linking"), "identification:home", can_identify, 60))
        register_nav_link(
            NavLink(_("Not enrolled"), "identification:not_enrolled", can_identify, 61)
        )
        register_nav_link(NavLink(_("Coverage"), "identification:coverage", can_see_coverage, 62))
        register_nav_link(
            NavLink(_("Registered twice"), "identification:duplicates", tasks.can_deduplicate, 63)
        )
        register_child_link(
            ChildLink(_("School and services"), "identification:child", can_identify, 60)
        )
        # A pair names two children: a merge must not turn it into the kept child and itself.
        register_merge_exempt("identification.duplicatepair.child_a")
        register_merge_exempt("identification.duplicatepair.child_b")
        merge_undone.connect(services.duplicate_merge_undone, dispatch_uid="identification")
