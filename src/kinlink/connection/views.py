"""Pages of family connection and income. Thin: read through `registry.access` and
`selectors`, write through `services`, audit every read and write.

Reading needs the FAMILY field group (`access.can_read`), writing `access.can_edit` on it;
anything outside the user's scope, or a page the role may not use, is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kinlink.audit.models import Action
from kinlink.audit.services import audit_record, audit_view
from kinlink.connection import conf, selectors, services
from kinlink.connection.alerts import alerts_for_child
from kinlink.connection.chart import bar_chart
from kinlink.connection.currency import NoExchangeRate
from kinlink.connection.forms import (
    ContactForm,
    ContactPlanForm,
    ExchangeRateForm,
    MeansForm,
    MessagingConsentForm,
    RemittanceForm,
    VisitForm,
)
from kinlink.connection.messaging import messaging_consent_set
from kinlink.connection.models import ExchangeRate, MeansDeclaration, MessagingConsent, Remittance
from kinlink.connection.rules import Measure, RuleFileError, programmes_in_force
from kinlink.core.dates import today
from kinlink.registry import access
from kinlink.registry.access import Group
from kinlink.registry.models import Child, Household
from kinlink.registry.views import save_with

CHILD_FIELDS = ["contact_events", "contact_plans", "visits", "connection_alerts"]
HOUSEHOLD_FIELDS = ["remittances", "means_declarations", "eligibility"]


def _as_of(request: HttpRequest) -> dt.date:
    """The day the page is evaluated on: today, or an earlier day given as ?on=YYYY-MM-DD
    (to see what a caseworker would have seen then). Never a future day."""
    raw = request.GET.get("on", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else today()
    except ValueError:
        day = today()
    return min(day, today())


def _child(request: HttpRequest, pk: int, *, edit: bool = False) -> Child:
    child = access.child_for_user(request.user, pk)
    if not access.can_read(request.user, Group.FAMILY):
        raise Http404
    if edit and not access.can_edit(request.user, Group.FAMILY):
        raise Http404
    return child


def _household(request: HttpRequest, pk: int, *, edit: bool = False) -> Household:
    household = access.household_for_user(request.user, pk)
    if edit and not access.can_edit(request.user, Group.FAMILY):
        raise Http404
    return household


# A child's contact with parents --------------------------------------------------------------


@login_required
@require_GET
def child_connection(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    on = _as_of(request)
    audit_view(child, fields=CHILD_FIELDS)
    links = selectors.parent_links(child, on=on)
    can_edit = access.can_edit(request.user, Group.FAMILY)
    context = {
        "child": child,
        "on": on,
        "is_today": on == today(),
        "links": links,
        "alerts": alerts_for_child(child, on=on),
        "timeline": selectors.timeline(child),
        "can_edit": can_edit,
        "form": ContactForm(parents=[link.relationship for link in links]) if can_edit else None,
    }
    return render(request, "connection/child_connection.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk, edit=True)
    parents = selectors.parents_of(child)
    form = ContactForm(request.POST or None, parents=parents)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(
            form,
            services.contact_record,
            child=child,
            recorded_by=request.user,
            **form.service_values(),
        )
    ):
        messages.success(request, _("The contact was recorded."))
        return redirect("connection:child", pk=child.pk)
    return render(
        request,
        "connection/form.html",
        {"form": form, "child": child, "title": _("Record a contact")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk, edit=True)
    parents = selectors.parents_of(child)
    initial: dict[str, Any] = {"agreed_on": today()}
    form = ContactPlanForm(request.POST or None, parents=parents, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.contact_plan_set, child=child, **form.cleaned_data)
    ):
        messages.success(request, _("The contact plan was saved."))
        return redirect("connection:child", pk=child.pk)
    return render(
        request,
        "connection/form.html",
        {"form": form, "child": child, "title": _("Contact plan")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk, edit=True)
    parents = selectors.parents_of(child)
    form = VisitForm(request.POST or None, parents=parents)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(
            form, services.visit_record, child=child, recorded_by=request.user, **form.cleaned_data
        )
    ):
        messages.success(request, _("The visit was recorded."))
        return redirect("connection:child", pk=child.pk)
    return render(
        request,
        "connection/form.html",
        {"form": form, "child": child, "title": _("Record a visit or return")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def messaging_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """An adult's opt-in to reminders: channel, address, language and quiet hours."""
    adult = access.adult_for_user(request.user, pk)
    if not access.can_read(request.user, Group.FAMILY):
        raise Http404
    if request.method == "POST" and not access.can_edit(request.user, Group.FAMILY):
        raise Http404
    consent = MessagingConsent.objects.filter(adult=adult).first()
    initial: dict[str, Any] = {"language": "zh-hans", "quiet_from": "21:00", "quiet_until": "08:00"}
    if consent is not None:
        initial = {
            field: getattr(consent, field)
            for field in ("opted_in", "channel", "address", "language", "quiet_from", "quiet_until")
        }
    elif adult.phone:
        initial.update(channel="sms", address=adult.phone)
    form = MessagingConsentForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid() and save_with(
            form,
            messaging_consent_set,
            adult=adult,
            recorded_by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("The choice about reminders was saved."))
            return redirect("connection:messaging_consent", pk=adult.pk)
    else:
        audit_view(adult, fields=["messaging_consent"])
    return render(
        request,
        "connection/messaging_consent.html",
        {
            "form": form,
            "adult": adult,
            "consent": consent,
            "can_edit": access.can_edit(request.user, Group.FAMILY),
        },
    )


# A household's remittances and eligibility ---------------------------------------------------


def _programmes(request: HttpRequest, on: dt.date) -> tuple[list[Any], str]:
    try:
        return programmes_in_force(on), ""
    except RuleFileError:
        return [], _("The programme rules cannot be read; ask the administrator to check them.")


@login_required
@require_GET
def household_income(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    on = _as_of(request)
    measure = request.GET.get("measure") if request.GET.get("measure") in Measure.ALL else None
    audit_view(household, fields=HOUSEHOLD_FIELDS)
    context: dict[str, Any] = {
        "household": household,
        "on": on,
        "is_today": on == today(),
        "measure": measure,
        "measures": [
            (Measure.SMOOTHED, _("Smoothed (the programme's window)")),
            (Measure.SINGLE_MONTH, _("Single month")),
        ],
        "can_edit": access.can_edit(request.user, Group.FAMILY),
        "remittances": Remittance.objects.filter(household=household).select_related("sender")[:50],
        "declarations": MeansDeclaration.objects.filter(household=household)[:12],
        "children": access.children_visible_to(request.user).filter(household=household),
    }
    programmes, rules_problem = _programmes(request, on)
    context["rules_problem"] = rules_problem
    try:
        summary = selectors.household_remittances(household, on=on)
        context["summary"] = summary
        context["chart"] = bar_chart(summary.months, summary.average_12, summary.currency)
        context["results"] = selectors.household_eligibility(
            household, programmes, on=on, measure=measure
        )
    except NoExchangeRate as exc:
        context["rate_problem"] = str(exc)
    return render(request, "connection/household_income.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def remittance_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk, edit=True)
    senders = list(services.household_senders(household))
    form = RemittanceForm(request.POST or None, senders=senders)
    if request.method == "POST" and form.is_valid():
        remittance = save_with(
            form,
            services.remittance_record,
            household=household,
            recorded_by=request.user,
            **form.cleaned_data,
        )
        if remittance is not None:
            messages.success(request, _("The remittance was recorded."))
            try:
                selectors.rate_table().rate(remittance.currency, remittance.received_on)
            except NoExchangeRate as exc:
                messages.warning(request, str(exc))
            return redirect("connection:household", pk=household.pk)
    return render(
        request,
        "connection/form.html",
        {"form": form, "household": household, "title": _("Record a remittance")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def means_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk, edit=True)
    form = MeansForm(request.POST or None, initial={"applies_from": today().replace(day=1)})
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(
            form,
            services.means_declare,
            household=household,
            recorded_by=request.user,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The declaration was recorded."))
        return redirect("connection:household", pk=household.pk)
    return render(
        request,
        "connection/form.html",
        {"form": form, "household": household, "title": _("Declare other income and assets")},
    )


# Reports and reference data ------------------------------------------------------------------


@login_required
@require_GET
def comparison(request: HttpRequest) -> HttpResponse:
    """Households a single-month rule drops in some month and smoothing keeps, and the reverse."""
    if not access.can_read(request.user, Group.FAMILY) or request.user.scope_id is None:
        raise Http404
    on = _as_of(request)
    programmes, rules_problem = _programmes(request, on)
    chosen = next((p for p in programmes if p.id == request.GET.get("programme")), None)
    chosen = chosen or (programmes[0] if programmes else None)
    report = selectors.rule_comparison(request.user, chosen, on=on) if chosen else None
    if report is not None:
        shown = {
            row.household.pk
            for row in report.dropped_by_single + report.dropped_by_smoothed + report.not_computed
        }
        if shown:
            audit_record(
                action=Action.LIST,
                object_type="registry.household",
                fields=["remittances", "means_declarations", "eligibility"],
                extra={"ids": sorted(shown), "purpose": "eligibility rule comparison"},
            )
    return render(
        request,
        "connection/comparison.html",
        {
            "programmes": programmes,
            "report": report,
            "on": on,
            "rules_problem": rules_problem,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exchange_rates(request: HttpRequest) -> HttpResponse:
    """The stored rates (not personal data); users who edit family records may add one."""
    if not access.can_read(request.user, Group.FAMILY):
        raise Http404
    can_edit = access.can_edit(request.user, Group.FAMILY)
    form = ExchangeRateForm(request.POST or None, initial={"on": today()}) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid() and save_with(
            form, services.exchange_rate_set, user=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The rate was saved."))
            return redirect("connection:rates")
    rates = ExchangeRate.objects.filter(home_currency=conf.home_currency())[:200]
    return render(
        request,
        "connection/rates.html",
        {"form": form, "rates": rates, "home": conf.home_currency()},
    )
