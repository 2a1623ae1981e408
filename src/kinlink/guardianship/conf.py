"""Guardianship's configurable defaults. Each may be set in settings (from the environment);
none is a legal rule of any one country, so a deployment checks them against national law."""

from __future__ import annotations

from django.conf import settings


def _get(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def expiry_warning_days() -> int:
    """Warn this many days before a declaration ends (issue 6: 30 days)."""
    return _get("KINLINK_GUARDIANSHIP_EXPIRY_WARNING_DAYS", 30)


def old_carer_age() -> int:
    """A child whose only adult carer is older than this gets an alert (issue 6: over 75)."""
    return _get("KINLINK_GUARDIANSHIP_OLD_CARER_AGE", 75)


def age_of_majority() -> int:
    return _get("KINLINK_AGE_OF_MAJORITY", 18)


def max_review_months() -> int:
    """An appointment is reviewed at least this often (configurable default)."""
    return _get("KINLINK_GUARDIANSHIP_REVIEW_MONTHS", 6)


def verify_limit() -> tuple[int, int]:
    """Public verification lookups allowed per client address, and the window in seconds."""
    return (
        _get("KINLINK_VERIFY_LOOKUPS", 20),
        _get("KINLINK_VERIFY_WINDOW_SECONDS", 600),
    )


def document_languages() -> tuple[str, str]:
    """(local language, English) for printed papers. The local language is the setting
    KINLINK_DOCUMENT_LANGUAGE, else the first non-English language the site offers."""
    local = getattr(settings, "KINLINK_DOCUMENT_LANGUAGE", "")
    if not local:
        local = next((code for code, _ in settings.LANGUAGES if not code.startswith("en")), "en")
    return local, "en"


def public_url() -> str:
    """The site's address as printed under the QR code, when set (else taken from the request)."""
    return str(getattr(settings, "KINLINK_PUBLIC_URL", "")).rstrip("/")


def pre_departure_grace_days() -> int:
    """A plan may be written up this many days after the parent has left (its family pack is
    still worth giving); a departure further in the past is refused: the child is then a case
    for step two, not for pre-departure planning."""
    return _get("KINLINK_PRE_DEPARTURE_GRACE_DAYS", 14)


def emergency_contacts_max() -> int:
    """How many emergency contacts a family pack lists."""
    return _get("KINLINK_PRE_DEPARTURE_EMERGENCY_CONTACTS", 4)
