"""The public verification page: no login. Whoever holds a declaration's code (a school, a
clinic, a police officer) learns whether it is in force, for which powers, until when, the
representative's name, and the child's initials and birth year; nothing else.

Every lookup is counted per client address (429 beyond the limit) and audited with its outcome,
unknown codes included. The page is built from `selectors.Verification` alone, so no other
field of the child or the family is ever at hand to leak.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kinlink.audit.middleware import client_ip
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.core.dates import today
from kinlink.guardianship import conf, ratelimit
from kinlink.guardianship.codes import display_code, normalise_code
from kinlink.guardianship.forms import VerifyForm
from kinlink.guardianship.selectors import verify_code

OBJECT_TYPE = "guardianship.declaration"


def _private(response: HttpResponse) -> HttpResponse:
    # Neither a shared cache, a search engine nor the next site visited should keep the answer.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """The form; a typed code is tidied and sent to its result page (counted there)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code is not None:
            return redirect("verify:result", code=display_code(code))
        form.add_error(
            "code",
            _("A verification code has 20 letters and digits, printed in five groups of four."),
        )
    return _private(render(request, "guardianship/verify_form.html", {"form": form}))


@require_GET
def verify_result(request: HttpRequest, code: str) -> HttpResponse:
    limit, window = conf.verify_limit()
    client = client_ip(request) or "unknown"
    allowed, count = ratelimit.hit("verify", client, limit=limit, window=window)
    if not allowed:
        # Audited once per window and address: a flood must not flood the audit chain too.
        if count == limit + 1:
            audit_record(
                action=Action.VIEW, object_type=OBJECT_TYPE, extra={"outcome": "rate_limited"}
            )
        response = render(
            request,
            "guardianship/verify_limited.html",
            {"minutes": max(1, round(ratelimit.seconds_left(window) / 60))},
            status=429,
        )
        response["Retry-After"] = str(ratelimit.seconds_left(window))
        return _private(response)
    result = verify_code(code, today())
    if result is None:
        outcome = "unknown" if normalise_code(code) else "malformed"
    else:
        outcome = str(result.status)
    audit_record(
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=result.declaration_id if result else "",
        extra={"outcome": outcome, "public": True},
    )
    return _private(
        render(
            request,
            "guardianship/verify_result.html",
            {"result": result},
            status=200 if result else 404,
        )
    )
