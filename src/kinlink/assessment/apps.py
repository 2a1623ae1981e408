from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kinlink.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        # The screening factors' fallback providers; the connection and guardianship apps
        # replace theirs from their own ready() (see docs/assessment.md). `checks` validates
        # every rule set and instrument pack at start-up, once all apps have registered.
        from kinlink.assessment import (
            checks,  # noqa: F401
            permissions,
        )
        from kinlink.assessment.screening import builtin, external
        from kinlink.assessment.selectors import assessment_timeline
        from kinlink.core.navigation import NavLink, register_nav_link
        from kinlink.registry.hooks import (
            ChildLink,
            register_child_link,
            register_timeline_source,
        )

        builtin.register_all()
        external.register_all()
        register_nav_link(
            NavLink(_("Safety alerts"), "assessment:alerts", permissions.can_assess, 40)
        )
        register_nav_link(
            NavLink(_("Screen all"), "assessment:screen_all", permissions.can_screen_registry, 45)
        )
        register_child_link(
            ChildLink(
                _("Assessment"),
                "assessment:child",
                lambda u: permissions.can_assess(u) or permissions.can_see_growth(u),
                40,
            )
        )
        register_timeline_source("assessment", _("Assessment"), assessment_timeline, 20)
