"""Record the signed-in user and client address for audit entries written during a request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kinlink.audit.context import Actor, acting_as


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy the real address is in X-Forwarded-For; trust it only when told to,
    # otherwise anyone could write any address into the log.
    if getattr(settings, "KINLINK_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        authenticated = bool(user and user.is_authenticated)
        actor = Actor(
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "anonymous",
            ip_address=client_ip(request),
        )
        with acting_as(actor):
            return self.get_response(request)
