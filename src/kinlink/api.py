"""The REST API root at /api/v1/: who may call it, how errors are answered, each app's router."""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from kinlink.accounts.api import bearer_token, session
from kinlink.accounts.api import router as auth_router
from kinlink.audit.context import Actor, acting_as
from kinlink.audit.middleware import client_ip
from kinlink.registry.api import FieldsNotEditable
from kinlink.registry.api import router as registry_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Kinlink API",
    version="1",
    urls_namespace="api",
    # A bearer token, or the signed-in browser session (with CSRF on unsafe methods).
    auth=[bearer_token, session],
    # ninja's interactive docs load Swagger from a CDN unless "ninja" is an installed app;
    # Kinlink makes no network calls at run time, so only the OpenAPI document is served.
    docs_url=None,
)


def _as_caller(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view with the caller as the audit actor. The audit middleware runs before
    authentication, so for a bearer token it only saw an anonymous request."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if not user.is_authenticated:
            return view(request, *args, **kwargs)
        actor = Actor(user_id=user.pk, username=user.get_username(), ip_address=client_ip(request))
        with acting_as(actor):
            return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(_as_caller)
api.add_router("/auth", auth_router)
api.add_router("/", registry_router)


# Errors ---------------------------------------------------------------------------------------
# Every error is JSON with a "detail"; field errors are a list of {"field", "message"}.


@api.exception_handler(DjangoValidationError)
def _service_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"field": None, "message": message} for message in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


def _schema_message(error: dict[str, Any]) -> str:
    """A translated message for pydantic's common error types; its own English otherwise."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Enter true or false.")
    if kind.startswith("date_"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "string_too_long":
        return _("Use at most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(value)s.") % {"value": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(value)s.") % {"value": ctx.get("le")}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return str(error.get("msg", _("This value is not valid.")))


@api.exception_handler(SchemaValidationError)
def _schema_validation_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    detail = []
    for error in exc.errors:
        # loc is (source, [body parameter,] field, ...): name the field as the client sent it.
        parts = [str(part) for part in error.get("loc", ())][1:]
        if parts and parts[0] == "payload":
            parts = parts[1:]
        detail.append({"field": ".".join(parts) or None, "message": _schema_message(error)})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer whether the record does not exist or is outside the caller's scope.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": _("Sign in, or send a valid API token as “Authorization: Bearer <token>”.")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(FieldsNotEditable)
def _fields_not_editable(request: HttpRequest, exc: FieldsNotEditable) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "fields": exc.fields}, status=exc.status_code
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The traceback's frames are logged but not the exception's message, which can carry the
    # values (a child's name, an ID number) that were being saved; the client hears nothing more.
    logger.error(
        "Unexpected %s in %s %s\n%s",
        type(exc).__name__,
        request.method,
        request.path,
        "".join(traceback.format_tb(exc.__traceback__)),
    )
    return api.create_response(
        request,
        {"detail": _("Something went wrong on our side; the error has been logged.")},
        status=500,
    )
