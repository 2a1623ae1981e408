"""Signing in and out, choosing the interface language, and (administrators) managing users."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from kinlink.accounts.forms import UserForm
from kinlink.accounts.models import User
from kinlink.accounts.selectors import is_administrator, user_for_admin, users_visible_to
from kinlink.accounts.services import user_create, user_set_language, user_update


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; remembered on the account when signed in, in a cookie otherwise."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


def _admin_only(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise Http404


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "accounts/user_list.html", {"users": users_visible_to(request.user)})


def _save_user(request: HttpRequest, form: UserForm, account: User | None) -> User | None:
    values = {k: v for k, v in form.cleaned_data.items() if k != "username"}
    try:
        if account is None:
            return user_create(username=form.cleaned_data["username"], **values)
        return user_update(user=account, **values)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = UserForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid() and _save_user(request, form, None):
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    account = user_for_admin(request.user, pk)
    initial = {f: getattr(account, f) for f in UserForm.base_fields if f != "password"}
    form = UserForm(request.POST or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid() and _save_user(request, form, account):
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "account": account})
