"""The Henan study's vocabulary of how left-behind children cope (domain.md §3): the six
strategies of its Table 1, in its order and wording, and the challenges of its Figure 2. The
assessment's coping profile and casework's note tags share these codes, so a report can count
either."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CopingStrategy(models.TextChoices):
    """Strengths to record and build on."""

    ACTIVE_ADAPTATION = "active_adaptation", _("Active adaptation to the environment")
    SOCIAL_MEDIA = "social_media", _("Using social media platforms such as short-video apps")
    SOCIAL_SUPPORT = "social_support", _("Seeking social support systems")
    RECREATION = "recreation", _("Engaging in recreation activities")
    EMOTIONAL_REGULATION = "emotional_regulation", _("Practising emotional self-regulation")
    POSITIVE_THINKING = "positive_thinking", _("Positive thinking")


class Challenge(models.TextChoices):
    BASIC_NEEDS = "basic_needs", _("Basic needs")
    RELATIONSHIPS = "relationships", _("Changed relationships")
    SOCIAL_ANXIETY = "social_anxiety", _("Social anxiety")
    EMOTIONAL_DISTURBANCE = "emotional_disturbance", _("Emotional disturbance")
    LONELINESS = "loneliness", _("Loneliness")
    ACADEMIC = "academic", _("Academic problems")
