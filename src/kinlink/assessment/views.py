"""Pages of the assessment. Thin: the child comes from `permissions` (that is, from
`registry.access`: 404 outside scope), reads from `selectors`, writes through `services`.
Every page that shows a child's data writes an audit entry, after the scope check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.assessment import charts, permissions, screeners, selectors, services
from kinlink.assessment.forms import (
    ConfirmForm,
    CopingForm,
    DomainForm,
    ExternalScoreForm,
    MeasurementForm,
    ScreenerForm,
    SupportTieForm,
    language_code,
)
from kinlink.assessment.models import (
    Domain,
    FollowUpTask,
    SafetyAlert,
    Screening,
    SupportTie,
)
from kinlink.assessment.tasks import screen_registry_start
from kinlink.audit.models import Action
from kinlink.audit.services import audit_record
from kinlink.core.dates import today
from kinlink.registry.access import children_visible_to
from kinlink.registry.hooks import child_actions_for
from kinlink.registry.models import Child


def _audit_read(child: Child, page: str, fields: Iterable[str]) -> None:
    # Recorded against the child, so "who has looked" on the registry's page lists it too.
    audit_record(
        action=Action.VIEW,
        object_type="registry.child",
        object_id=child.pk,
        fields=fields,
        extra={"page": f"assessment:{page}"},
    )


def _save(form: Any, service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; on ValidationError put its messages on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None


def _record_id(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


# The child's assessment page ---------------------------------------------------------------


@login_required
@require_GET
def child_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment_page(request.user, pk)
    assess = permissions.can_assess(request.user)
    context: dict[str, Any] = {
        "child": child,
        "can_assess": assess,
        "can_measure": permissions.can_measure(request.user),
        "can_see_growth": permissions.can_see_growth(request.user),
    }
    fields = ["measurements"]
    measurements = list(selectors.measurements_of(child)[:5])
    context["measurements"] = measurements
    if assess:
        fields += [
            "safety_alerts",
            "screening",
            "screeners",
            "coping",
            "support_network",
            "domains",
        ]
        screening = selectors.latest_screening(child)
        ties = list(selectors.support_ties(child))
        context.update(
            {
                "alerts": list(selectors.open_alerts(child)),
                "tasks": list(selectors.open_tasks(child)),
                "screening": selectors.screening_view(screening) if screening else None,
                "screeners": selectors.screener_results(child, limit=5),
                "external": list(selectors.external_scores(child)[:3]),
                "coping": selectors.latest_coping(child),
                "ties": ties,
                "eco_map": charts.eco_map(ties),
                "domains": selectors.latest_domain_assessments(child),
                "domain_choices": Domain.choices,
            }
        )
    _audit_read(child, "child", fields)
    return render(request, "assessment/child.html", context)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    alert = SafetyAlert.objects.filter(pk=_record_id(request, "alert"), child=child).first()
    if alert is None:
        raise Http404
    try:
        services.safety_alert_acknowledge(alert=alert, user=request.user)
        messages.success(request, _("Alert acknowledged."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessment:child", pk=child.pk)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    task = FollowUpTask.objects.filter(pk=_record_id(request, "task"), child=child).first()
    if task is None:
        raise Http404
    try:
        services.task_complete(task=task, user=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Task marked done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessment:child", pk=child.pk)


@login_required
@require_GET
def my_alerts(request: HttpRequest) -> HttpResponse:
    """The open safety alerts raised for me, about children I may see."""
    if not permissions.can_assess(request.user):
        raise Http404
    alerts = list(selectors.alerts_for(request.user))
    if alerts:
        audit_record(
            action=Action.LIST,
            object_type="registry.child",
            fields=["safety_alerts"],
            extra={"ids": [a.child_id for a in alerts], "page": "assessment:alerts"},
        )
    return render(request, "assessment/alerts.html", {"alerts": alerts})


# Screening ---------------------------------------------------------------------------------


@login_required
@require_GET
def screening_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    history = list(selectors.screenings_of(child)[:20])
    chosen = request.GET.get("id")
    screening = history[0] if history else None
    if chosen:
        screening = Screening.objects.filter(
            child=child, pk=chosen if chosen.isdigit() else 0
        ).first()
        if screening is None:
            raise Http404
    view = selectors.screening_view(screening) if screening else None
    form = None
    actions = []
    if screening is not None:
        if not screening.is_confirmed:
            form = ConfirmForm(
                initial={"screening": screening.pk, "level": screening.suggested_level}
            )
        # Other apps' actions on the child (casework: open a case preset from this screening).
        level = screening.confirmed_level or screening.suggested_level
        actions = child_actions_for(request.user, [child], source="screening", risk=level)[child.pk]
    _audit_read(child, "screening", ["screening"])
    return render(
        request,
        "assessment/screening.html",
        {"child": child, "view": view, "history": history, "form": form, "actions": actions},
    )


@login_required
@require_POST
def screening_run(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    try:
        screening = services.screening_run(child=child, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:screening", pk=child.pk)
    return redirect(f"{reverse('assessment:screening', args=[child.pk])}?id={screening.pk}")


@login_required
@require_POST
def screening_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    form = ConfirmForm(request.POST)
    screening = Screening.objects.filter(child=child, pk=_record_id(request, "screening")).first()
    if screening is None:
        raise Http404
    if form.is_valid() and _save(
        form,
        services.screening_confirm,
        screening=screening,
        user=request.user,
        level=form.cleaned_data["level"],
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, _("Risk level recorded."))
        return redirect(f"{reverse('assessment:screening', args=[child.pk])}?id={screening.pk}")
    _audit_read(child, "screening", ["screening"])
    return render(
        request,
        "assessment/screening.html",
        {
            "child": child,
            "view": selectors.screening_view(screening),
            "history": list(selectors.screenings_of(child)[:20]),
            "form": form,
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def screen_all(request: HttpRequest) -> HttpResponse:
    """A supervisor screens every child in her scope as a background job."""
    if not permissions.can_screen_registry(request.user):
        raise Http404
    if request.method == "POST":
        job = screen_registry_start(user=request.user)
        return redirect("jobs:detail", pk=job.pk)
    count = children_visible_to(request.user).count()
    return render(request, "assessment/screen_all.html", {"count": count})


# Screeners ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def screeners_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    packs = screeners.packs()
    code = request.POST.get("instrument") or request.GET.get("instrument") or ""
    pack = packs.get(code)
    if code and (pack is None or pack.kind != "items"):
        raise Http404
    form = None
    if pack is not None:
        form = ScreenerForm(request.POST or None, pack=pack)
        if request.method == "POST" and form.is_valid():
            response = _save(
                form,
                services.screener_record,
                child=child,
                user=request.user,
                code=pack.code,
                answers=form.answers(),
                administered_on=form.cleaned_data["administered_on"],
                informant=form.cleaned_data["informant"],
                language=language_code(),
            )
            if response is not None:
                if "self_harm" in response.flags:
                    messages.error(
                        request,
                        _(
                            "Safety alert: the child has had thoughts of being better off dead "
                            "or of self-harm. You and your supervisor have been alerted and a "
                            "safety-plan task is due within 24 hours. Stay with the child now "
                            "and follow your safety protocol."
                        ),
                    )
                else:
                    messages.success(request, _("Result saved."))
                return redirect("assessment:child", pk=child.pk)
    elif request.method == "POST":
        raise Http404
    _audit_read(child, "screeners", ["screeners"])
    language = language_code()
    return render(
        request,
        "assessment/screeners.html",
        {
            "child": child,
            "packs": [p for p in packs.values()],
            "pack": pack,
            "form": form,
            "translation": pack.status_for(language) if pack else None,
            "results": selectors.screener_results(child),
            "external": selectors.external_scores(child),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def external_scores(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    code = request.POST.get("instrument") or request.GET.get("instrument") or "sdq"
    pack = screeners.pack(code)
    if pack is None or pack.kind != "scores_only":
        raise Http404
    form = ExternalScoreForm(request.POST or None, pack=pack)
    if request.method == "POST" and form.is_valid():
        record = _save(
            form,
            services.external_score_record,
            child=child,
            user=request.user,
            code=pack.code,
            informant=form.cleaned_data["informant"],
            administered_on=form.cleaned_data["administered_on"],
            scored_by=form.cleaned_data["scored_by"],
            scores=form.scores(),
            band=form.cleaned_data["band"],
        )
        if record is not None:
            messages.success(request, _("Scores saved."))
            return redirect("assessment:screeners", pk=child.pk)
    if request.method == "GET":
        _audit_read(child, "external_scores", ["screeners"])
    return render(
        request, "assessment/external_scores.html", {"child": child, "pack": pack, "form": form}
    )


# Growth ------------------------------------------------------------------------------------


CHART_LABELS = {
    "hfa": gettext_lazy("Height-for-age"),
    "wfa": gettext_lazy("Weight-for-age"),
    "bmi": gettext_lazy("BMI-for-age"),
    "wfl": gettext_lazy("Weight-for-length"),
    "wfh": gettext_lazy("Weight-for-height"),
}


@login_required
@require_http_methods(["GET", "POST"])
def growth(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_growth(request.user, pk, record=request.method == "POST")
    can_measure = permissions.can_measure(request.user)
    form = MeasurementForm(request.POST or None) if can_measure else None
    if request.method == "POST" and form is not None and form.is_valid():
        measurement = _save(
            form, services.measurement_record, child=child, user=request.user, **form.cleaned_data
        )
        if measurement is not None:
            messages.success(request, _("Measurement saved."))
            return redirect(f"{reverse('assessment:growth', args=[child.pk])}?m={measurement.pk}")
    measurements = list(selectors.measurements_of(child))
    age_now_days = (today() - child.date_of_birth).days
    available = charts.charts_for(age_now_days, measurements)
    indicator = request.GET.get("chart", "hfa")
    if indicator not in available:
        indicator = "hfa"
    chart = charts.growth_chart(child.sex, measurements, indicator, age_now_days=age_now_days)
    latest = measurements[0] if measurements else None
    just_saved = request.GET.get("m")
    if just_saved and latest is not None and str(latest.pk) != just_saved:
        just_saved = None
    _audit_read(child, "growth", ["measurements"])
    return render(
        request,
        "assessment/growth.html",
        {
            "child": child,
            "can_assess": permissions.can_assess(request.user),
            "form": form,
            "measurements": measurements,
            "latest": latest,
            "just_saved": bool(just_saved),
            "chart": chart,
            "indicators": [(code, CHART_LABELS[code]) for code in available],
        },
        status=400 if form is not None and form.errors else 200,
    )


# Coping, support network, domains ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def coping(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    latest = selectors.latest_coping(child)
    initial = {"strategies": latest.strategies, "challenges": latest.challenges} if latest else {}
    form = CopingForm(request.POST or None, initial=initial)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and _save(form, services.coping_record, child=child, user=request.user, **form.cleaned_data)
    )
    if saved:
        messages.success(request, _("Coping profile saved."))
        return redirect("assessment:child", pk=child.pk)
    if request.method == "GET":
        _audit_read(child, "coping", ["coping"])
    return render(
        request, "assessment/coping.html", {"child": child, "form": form, "latest": latest}
    )


@login_required
@require_http_methods(["GET", "POST"])
def network(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    form = SupportTieForm(request.POST or None)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form, services.support_tie_add, child=child, user=request.user, **form.cleaned_data
        )
    )
    if saved:
        messages.success(request, _("Added to the support network."))
        return redirect("assessment:network", pk=child.pk)
    ties = list(selectors.support_ties(child))
    if request.method == "GET":
        _audit_read(child, "network", ["support_network"])
    return render(
        request,
        "assessment/network.html",
        {
            "child": child,
            "form": form,
            "ties": ties,
            "eco_map": charts.eco_map(ties),
            "support_choices": SupportTie.Support.choices,
        },
    )


@login_required
@require_POST
def network_end(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    tie = SupportTie.objects.filter(pk=_record_id(request, "tie"), child=child).first()
    if tie is None:
        raise Http404
    try:
        services.support_tie_end(tie=tie, user=request.user)
        messages.success(request, _("Removed from the current network; the history is kept."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessment:network", pk=child.pk)


@login_required
@require_http_methods(["GET", "POST"])
def domains(request: HttpRequest, pk: int) -> HttpResponse:
    child = permissions.child_for_assessment(request.user, pk)
    domain = request.POST.get("domain") or request.GET.get("domain") or ""
    if domain and domain not in Domain.values:
        raise Http404
    form = DomainForm(request.POST or None, domain=domain) if domain else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            assessment = _save(
                form,
                services.domain_assessment_record,
                child=child,
                user=request.user,
                domain=domain,
                assessed_on=form.cleaned_data["assessed_on"],
                answers=form.answers(),
                summary=form.cleaned_data.get("summary", ""),
                findings=form.findings(),
            )
            if assessment is not None:
                count = assessment.findings.count()
                messages.success(
                    request,
                    ngettext(
                        "Assessment saved with %(count)d finding.",
                        "Assessment saved with %(count)d findings.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("assessment:child", pk=child.pk)
    else:
        _audit_read(child, "domains", ["domains"])
    return render(
        request,
        "assessment/domains.html",
        {
            "child": child,
            "domain": domain,
            "domain_label": Domain(domain).label if domain else "",
            "domain_choices": Domain.choices,
            "form": form,
            "history": list(selectors.domain_history(child, domain)[:10]) if domain else [],
            "latest": selectors.latest_domain_assessments(child),
        },
    )
