"""Template helpers of the assessment: level names, and the link from the registry's child
page (shown only to users who may open the assessment)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kinlink.assessment import permissions
from kinlink.assessment.models import RiskLevel

register = template.Library()


@register.filter
def level_label(code: str) -> str:
    return str(dict(RiskLevel.choices).get(code, code))


@register.simple_tag(takes_context=True)
def assessment_link(context: template.Context, child: object) -> str:
    """A button to the child's assessment, for those allowed to see any of it."""
    user = context.get("user")
    if user is None or not (permissions.can_assess(user) or permissions.can_see_growth(user)):
        return ""
    url = reverse("assessment:child", args=[child.pk])  # type: ignore[attr-defined]
    return format_html('<a class="button" href="{}">{}</a>', url, _("Assessment"))
