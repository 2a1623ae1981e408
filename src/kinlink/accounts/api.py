"""API authentication: bearer tokens issued for a username and password, and the browser session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from kinlink.accounts.services import api_token_for_key, api_token_issue, api_token_revoke


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. A token that is unknown, expired or revoked is a 401 even
    when the browser also has a session, so a client learns at once that its token is dead."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_for_key(token.strip())
        if api_token is None:
            raise AuthenticationError()
        # Views and the audit log ask `request.user` who is calling, whichever way they signed in.
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionWithCsrf(SessionAuth):
    """The site's session cookie; unsafe methods need the CSRF token, as in the rest of the site."""

    def __call__(self, request: HttpRequest) -> Any:
        # ninja checks CSRF before it looks at the session. Without a signed-in session there is
        # nothing to protect, and the caller should hear 401 (sign in) rather than 403 (CSRF).
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            raise HttpError(
                403,
                _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."),
            ) from exc


bearer_token = BearerToken()
session = SessionWithCsrf(csrf=True)

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only once.")
    expires_at: dt.datetime


class Message(Schema):
    detail: str


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: Message, 429: Message},
    summary="Exchange a username and password for an API token",
)
def token_issue(request: HttpRequest, payload: Credentials) -> Any:
    # Through `authenticate(request=...)` so django-axes counts failures and refuses locked users.
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON here; left set, axes' middleware would replace this with its HTML page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        return Status(429, {"detail": _("Too many failed sign-in attempts. Try again later.")})
    if user is None:
        return Status(401, {"detail": _("The username or password is not correct.")})
    token, key = api_token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at}


@router.post(
    "/token/revoke",
    auth=bearer_token,
    response={204: None},
    summary="Revoke the token this request is made with",
)
def token_revoke(request: HttpRequest) -> Any:
    api_token_revoke(token=request.api_token)  # type: ignore[attr-defined]
    return Status(204, None)
