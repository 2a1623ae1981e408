"""Casework pages. Thin: fetch through `casework.access` (404 outside scope, and 404 for an act
the user may not do on this case), call a service, redirect; reads are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.audit.models import Action
from kinlink.audit.services import audit_record, audit_view
from kinlink.casework import access, conf, forms, selectors, services
from kinlink.casework.models import (
    ApprovalStatus,
    Case,
    CaseStatus,
    ClosureReason,
    IntakeStatus,
    PlanStatus,
    ReferralStatus,
    RiskLevel,
)
from kinlink.core.dates import age_in_years, today
from kinlink.registry.access import children_visible_to
from kinlink.registry.hooks import child_timeline, timeline_domains
from kinlink.registry.views import save_with

# Helpers ---------------------------------------------------------------------------------------


def _submit(request: HttpRequest, form: Any, service: Callable[..., Any], /, **kwargs: Any) -> Any:
    """On a valid POST, call the service with the form's data (`registry.views.save_with`);
    else None."""
    if request.method != "POST" or not form.is_valid():
        return None
    return save_with(form, service, **kwargs, **form.cleaned_data)


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "casework/form_page.html", context)


def _case_to_act_on(request: HttpRequest, pk: int) -> Case:
    """The case, if the user sees it and may act on it: 404 otherwise (existence must not leak,
    and a colleague's case has no buttons for her)."""
    case = access.case_for_user(request.user, pk)
    if not access.may_act_on(request.user, case):
        raise Http404
    return case


def _audit_list(object_type: str, ids: list[int], purpose: str) -> None:
    if ids:
        audit_record(
            action=Action.LIST, object_type=object_type, extra={"ids": ids, "purpose": purpose}
        )


def _case_url(case: Case) -> str:
    return reverse("casework:case", args=[case.pk])


# Home pages ------------------------------------------------------------------------------------


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    if not access.can_read_cases(request.user):
        raise Http404
    work = selectors.my_work(request.user, timezone.now())
    _audit_list(
        "registry.child",
        sorted({row.case.child_id for row in work.cases} | {i.child_id for i in work.intake}),
        "my work",
    )
    return render(
        request,
        "casework/my_work.html",
        {"work": work, "is_supervisor": access.is_supervisor(request.user)},
    )


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    if not access.is_supervisor(request.user):
        raise Http404
    page = selectors.supervision(request.user, timezone.now())
    _audit_list(
        "registry.child",
        sorted(
            {row.case.child_id for row in page.overdue_cases}
            | {a.case.child_id for a in page.approvals}
            | {i.child_id for i in page.intake}
        ),
        "supervision",
    )
    return render(request, "casework/supervision.html", {"page": page})


# One child -------------------------------------------------------------------------------------


@login_required
@require_GET
def child_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_casework(request.user, pk)
    cases = list(selectors.cases_of_child(request.user, child))
    # One timeline of everything, from every app's source; ?domain= shows one source's.
    domains = timeline_domains()
    domain = request.GET.get("domain", "")
    if domain not in dict(domains):
        domain = ""
    timeline = child_timeline(request.user, child, domain=domain)
    # The page shows other apps' records through the timeline: the audit names whose.
    shown = sorted({entry.domain for entry in timeline})
    audit_view(child, fields=["casework", *(f"timeline.{d}" for d in shown)])
    return render(
        request,
        "casework/child.html",
        {
            "child": child,
            "cases": cases,
            "timeline": timeline,
            "timeline_domains": domains,
            "domain": domain,
            "groups": selectors.groups_of_child(request.user, child),
            "join_form": forms.JoinGroupForm(
                groups=access.groups_visible_to(request.user).filter(ended_on__isnull=True)
            ),
            "has_open": any(c.status == CaseStatus.OPEN for c in cases),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_casework(request.user, pk)
    caseworkers = selectors.caseworkers_for(child) if access.is_supervisor(request.user) else None
    # Other pages (a screening, a worklist) link here with ?source=...&risk=... to preset them.
    initial = {
        "source": request.GET.get("source", "child"),
        "risk_level": request.GET.get("risk", ""),
    }
    form = forms.OpenCaseForm(request.POST or None, caseworkers=caseworkers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = save_with(
            form,
            services.case_open,
            actor=request.user,
            child=child,
            risk_level=data["risk_level"],
            source=data["source"],
            reason=data["reason"],
            caseworker=data.get("caseworker"),
        )
        if case is not None:
            messages.success(request, _("The case is open. Contact the child before the date due."))
            return redirect("casework:case", pk=case.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Open a case"),
            "intro": _(
                "The risk level sets how soon the child must be contacted: it can be raised at "
                "any time; lowering it needs a supervisor."
            ),
            "submit": _("Open the case"),
            "cancel": reverse("casework:child", args=[child.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def intake_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_intake(request.user, pk)
    form = forms.IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intake = save_with(
            form, services.intake_refer, actor=request.user, child=child, **form.cleaned_data
        )
        if intake is not None:
            messages.success(request, _("Thank you. A caseworker will see the referral."))
            return redirect("registry:child_detail", pk=child.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Refer the child to a caseworker"),
            "intro": _(
                "Say what you saw or heard. If the child is in danger now, also call the "
                "caseworker or the police."
            ),
            "submit": _("Send the referral"),
            "cancel": reverse("registry:child_detail", args=[child.pk]),
        },
    )


# One case --------------------------------------------------------------------------------------


@login_required
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for_user(request.user, pk)
    records = selectors.case_records(request.user, case, timezone.now())
    audit_view(case)
    if records.notes:
        _audit_list("casework.casenote", [n.pk for n in records.notes], "case page")
    return render(
        request,
        "casework/case.html",
        {
            "case": records.case,
            "child": case.child,
            "r": records,
            "may_act": access.may_act_on(request.user, case),
            "is_open": case.status == CaseStatus.OPEN,
            "pending": [a for a in records.approvals if a.status == ApprovalStatus.PENDING],
            "RS": ReferralStatus,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_assess(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    form = forms.AssessForm(
        request.POST or None,
        initial={"on": today(), "summary": case.assessment_summary},
    )
    if _submit(request, form, services.case_assess, actor=request.user, case=case):
        return redirect(_case_url(case))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Assessment"),
            "intro": _(
                "Safety, family relationships including the parent away, emotional health, "
                "education, health and the child's own views. The plan is due within 14 days."
            ),
            "submit": _("Save the assessment"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    kind = request.GET.get("kind") or ("first_contact" if not case.first_contact_at else "visit")
    form = forms.ContactForm(
        request.POST or None,
        initial={"kind": kind, "at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if _submit(request, form, services.contact_record, actor=request.user, case=case):
        return redirect(_case_url(case))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Record a contact or review"),
            "submit": _("Save"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_change(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    form = forms.RiskForm(request.POST or None, initial={"level": case.risk_level})
    if request.method == "POST" and form.is_valid():
        result = save_with(
            form, services.risk_change, actor=request.user, case=case, **form.cleaned_data
        )
        if result is not None:
            if isinstance(result, Case):
                messages.success(request, _("The risk level is raised; the dates due are earlier."))
            else:
                messages.success(request, _("The request to lower the risk level is sent."))
            return redirect(_case_url(case))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Change the risk level"),
            "intro": _(
                "Raising the level brings every date due forward at once. Lowering it needs a "
                "reason and a supervisor's sign-off."
            ),
            "submit": _("Change"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    form = forms.TransferForm(
        request.POST or None, caseworkers=selectors.caseworkers_for(case.child)
    )
    if _submit(request, form, services.case_transfer, actor=request.user, case=case):
        messages.success(request, _("The case is transferred."))
        if access.may_act_on(request.user, Case.objects.get(pk=case.pk)):
            return redirect(_case_url(case))
        return redirect("casework:my_work")
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Transfer the case"),
            "submit": _("Transfer"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    form = forms.ClosureForm(request.POST or None)
    if _submit(request, form, services.closure_request, actor=request.user, case=case):
        messages.success(request, _("The closure is sent to a supervisor for approval."))
        return redirect(_case_url(case))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Close the case"),
            "intro": _(
                "A supervisor approves every closure. A case with an open high-priority referral "
                "cannot be closed."
            ),
            "submit": _("Ask to close"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    form = forms.ReopenForm(request.POST or None, initial={"risk_level": case.risk_level})
    if _submit(request, form, services.case_reopen, actor=request.user, case=case):
        messages.success(request, _("The case is open again; its history is kept."))
        return redirect(_case_url(case))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Reopen the case"),
            "submit": _("Reopen"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    form = forms.NoteForm(request.POST or None, initial={"written_on": today()})
    if _submit(request, form, services.note_add, actor=request.user, case=case):
        return redirect(_case_url(case))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Write a case note"),
            "intro": _(
                "Tick what the child said about coping and about what is hard: the tags feed the "
                "coping report (counts only, never the note)."
            ),
            "submit": _("Save the note"),
            "cancel": _case_url(case),
        },
    )


# The plan --------------------------------------------------------------------------------------


def _draft_plan(case: Case) -> Any:
    return case.plans.filter(status__in=[PlanStatus.DRAFT, PlanStatus.PENDING]).first()


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan being prepared: its goals and actions, with forms to add them and submit it.
    POST starts a new draft (a first plan or a revision)."""
    case = _case_to_act_on(request, pk)
    if request.method == "POST":
        try:
            services.plan_start(actor=request.user, case=case)
        except services.CaseworkError as exc:
            messages.error(request, str(exc))
            return redirect(_case_url(case))
        return redirect("casework:plan", pk=case.pk)
    plan = _draft_plan(case)
    if plan is None:
        raise Http404
    audit_view(plan)
    return render(
        request,
        "casework/plan.html",
        {
            "case": case,
            "child": case.child,
            "plan": plan,
            "goals": selectors.with_findings(case.child, plan.goals.prefetch_related("actions")),
            "goal_form": forms.GoalForm(findings=selectors.child_findings(case.child)),
            "action_form": forms.ActionForm(plan=plan),
            "submit_form": forms.SubmitPlanForm(),
            "is_draft": plan.status == PlanStatus.DRAFT,
        },
    )


def _plan_form_post(
    request: HttpRequest, pk: int, form_class: Any, service: Callable[..., Any], **extra: Any
) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    plan = _draft_plan(case)
    if plan is None:
        raise Http404
    if form_class is forms.ActionForm:
        form = form_class(request.POST, plan=plan)
    else:
        form = form_class(request.POST, findings=selectors.child_findings(case.child))
    if form.is_valid():
        data = dict(form.cleaned_data)
        if form_class is forms.ActionForm:
            data["goal"] = plan.goals.get(pk=data["goal"])
        else:
            data["plan"] = plan
        if save_with(form, service, actor=request.user, **data, **extra) is not None:
            return redirect("casework:plan", pk=case.pk)
    for error in form.non_field_errors():
        messages.error(request, error)
    for name, errors in form.errors.items():
        if name != "__all__":
            messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}")
    return redirect("casework:plan", pk=case.pk)


@login_required
@require_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_form_post(request, pk, forms.GoalForm, services.goal_add)


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_form_post(request, pk, forms.ActionForm, services.action_add)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    plan = _draft_plan(case)
    if plan is None:
        raise Http404
    form = forms.SubmitPlanForm(request.POST)
    form.is_valid()
    try:
        services.plan_submit(actor=request.user, plan=plan, **form.cleaned_data)
    except services.CaseworkError as exc:
        messages.error(request, str(exc))
        return redirect("casework:plan", pk=case.pk)
    messages.success(request, _("The plan is sent to a supervisor for approval."))
    return redirect(_case_url(case))


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.action_for_user(request.user, pk)
    case = action.goal.plan.case
    if not access.may_act_on(request.user, case):
        raise Http404
    try:
        services.action_done(actor=request.user, action=action)
    except services.CaseworkError as exc:
        messages.error(request, str(exc))
    return redirect(_case_url(case))


# Approvals -------------------------------------------------------------------------------------


def _label(choices: Any, code: str | None) -> str:
    return str(choices(code).label) if code in choices.values else ""


@login_required
@require_http_methods(["GET", "POST"])
def approval_page(request: HttpRequest, pk: int) -> HttpResponse:
    approval = access.approval_for_user(request.user, pk)
    case = approval.case
    form = forms.DecideForm(request.POST or None)
    if request.method == "POST":
        if not access.is_supervisor(request.user):
            raise Http404
        if form.is_valid():
            done = save_with(
                form,
                services.approval_decide,
                actor=request.user,
                approval=approval,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
            if done is not None:
                messages.success(request, _("The decision is recorded."))
                return redirect("casework:supervision")
    else:
        audit_view(approval)
    plan = approval.plan
    return render(
        request,
        "casework/approval.html",
        {
            "approval": approval,
            "case": case,
            "child": case.child,
            "goals": (
                selectors.with_findings(case.child, plan.goals.prefetch_related("actions"))
                if plan
                else []
            ),
            "form": form,
            "closure_reason": _label(ClosureReason, approval.details.get("reason")),
            "new_level": _label(RiskLevel, approval.details.get("level")),
            "may_decide": access.is_supervisor(request.user)
            and approval.status == ApprovalStatus.PENDING
            and approval.requested_by_id != request.user.pk,
        },
    )


# Referrals -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_act_on(request, pk)
    supervisor = access.is_supervisor(request.user)
    form = forms.ReferralForm(
        request.POST or None,
        supervisor=supervisor,
        initial={"priority": case.risk_level, "consent_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        referral = save_with(
            form, services.referral_send, actor=request.user, case=case, **form.cleaned_data
        )
        if referral is not None:
            messages.success(request, _("The referral is sent."))
            return redirect("casework:referral", pk=referral.pk)
    rule = conf.consent_rule(age_in_years(case.child.date_of_birth))
    return _form_page(
        request,
        {
            "form": form,
            "child": case.child,
            "case": case,
            "title": _("Refer to a service"),
            "consent_rule": rule,
            "submit": _("Send the referral"),
            "cancel": _case_url(case),
        },
    )


@login_required
@require_GET
def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.referral_for_user(request.user, pk)
    audit_view(referral)
    may_act = access.may_act_on(request.user, referral.case)
    return render(
        request,
        "casework/referral.html",
        {
            "referral": referral,
            "case": referral.case,
            "child": referral.case.child,
            "respond_form": forms.RespondForm()
            if may_act and referral.status == ReferralStatus.SENT
            else None,
            "complete_form": forms.CompleteForm()
            if may_act and referral.status == ReferralStatus.ACCEPTED
            else None,
        },
    )


def _referral_post(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    call: Callable[[Any, Any], dict[str, Any]],
    service: Callable[..., Any],
) -> HttpResponse:
    referral = access.referral_for_user(request.user, pk)
    if not access.may_act_on(request.user, referral.case):
        raise Http404
    form = form_class(request.POST)
    if form.is_valid() and save_with(
        form, service, actor=request.user, referral=referral, **call(form, referral)
    ):
        return redirect("casework:referral", pk=referral.pk)
    for error in [
        *form.non_field_errors(),
        *[e for k, v in form.errors.items() if k != "__all__" for e in v],
    ]:
        messages.error(request, error)
    return redirect("casework:referral", pk=referral.pk)


@login_required
@require_POST
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_post(
        request,
        pk,
        forms.RespondForm,
        lambda form, _r: {
            "accepted": form.cleaned_data["decision"] == "accepted",
            "note": form.cleaned_data["note"],
        },
        services.referral_respond,
    )


@login_required
@require_POST
def referral_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_post(
        request,
        pk,
        forms.CompleteForm,
        lambda form, _r: {"feedback": form.cleaned_data["feedback"]},
        services.referral_complete,
    )


# Intake referrals ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake_page(request: HttpRequest, pk: int) -> HttpResponse:
    intake = access.intake_for_user(request.user, pk)
    form = forms.IntakeHandleForm(request.POST or None, initial={"risk_level": "medium"})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if data["decision"] == "accept":
                case = save_with(
                    form,
                    services.intake_accept,
                    actor=request.user,
                    intake=intake,
                    risk_level=data["risk_level"],
                )
                if case is not None:
                    return redirect(_case_url(case))
            elif save_with(
                form, services.intake_decline, actor=request.user, intake=intake, note=data["note"]
            ):
                return redirect("casework:my_work")
    else:
        audit_view(intake)
    return render(
        request,
        "casework/intake.html",
        {
            "intake": intake,
            "child": intake.child,
            "form": form if intake.status == IntakeStatus.NEW else None,
        },
    )


# The directory and the report ------------------------------------------------------------------


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    if not access.can_read_cases(request.user):
        raise Http404
    form = forms.DirectoryForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    offers = selectors.directory(
        request.user, domain=data.get("domain") or "", place=data.get("place")
    )
    return render(
        request,
        "casework/directory.html",
        {
            "form": form,
            "offers": offers[:200],
            "may_add": access.can_manage_directory(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_directory(request.user):
        raise Http404
    form = forms.ServiceForm(request.POST or None)
    if _submit(request, form, services.service_add, actor=request.user):
        return redirect("casework:directory")
    return _form_page(
        request,
        {
            "form": form,
            "title": _("Add a service"),
            "submit": _("Add"),
            "cancel": reverse("casework:directory"),
        },
    )


@login_required
@require_GET
def coping_report(request: HttpRequest) -> HttpResponse:
    if not access.can_read_report(request.user):
        raise Http404
    form = forms.ReportForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    report = selectors.coping_report(
        request.user, place=data.get("place"), start=data.get("start"), end=data.get("end")
    )
    audit_record(
        action=Action.LIST,
        object_type="casework.casenote",
        fields=["coping", "challenges"],
        extra={"purpose": "coping report", "children": report.children},
    )
    return render(
        request,
        "casework/report.html",
        {"form": form, "report": report, "small": selectors.SMALL_CELL},
    )


# Groups and activities -------------------------------------------------------------------------


@login_required
@require_GET
def groups(request: HttpRequest) -> HttpResponse:
    if not access.can_read_cases(request.user):
        raise Http404
    return render(
        request,
        "casework/groups.html",
        {
            "groups": selectors.groups_list(request.user),
            "ended": selectors.groups_list(request.user, ended=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    if not access.can_read_cases(request.user):
        raise Http404
    form = forms.GroupForm(request.POST or None, user=request.user)
    group = _submit(request, form, services.group_create, actor=request.user)
    if group is not None:
        return redirect("casework:group", pk=group.pk)
    return _form_page(
        request,
        {
            "form": form,
            "title": _("Start a group"),
            "submit": _("Start"),
            "cancel": reverse("casework:groups"),
        },
    )


@login_required
@require_GET
def group_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_user(request.user, pk)
    records = selectors.group_records(request.user, group)
    audit_view(group)
    _audit_list("registry.child", [m.child_id for m in records.members], "group")
    return render(
        request,
        "casework/group.html",
        {
            "group": group,
            "r": records,
            "running": group.ended_on is None,
            "may_end": group.ended_on is None and access.may_end_group(request.user, group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_end(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_user(request.user, pk)
    if not access.may_end_group(request.user, group):
        raise Http404
    form = forms.EndGroupForm(request.POST or None, initial={"ended_on": today()})
    if _submit(request, form, services.group_end, actor=request.user, group=group):
        messages.success(request, _("The group has ended. Its members and sessions are kept."))
        return redirect("casework:group", pk=group.pk)
    return _form_page(
        request,
        {
            "form": form,
            "title": _("End %(group)s") % {"group": group.name},
            "intro": _(
                "An ended group takes no new members or sessions; its members and sessions stay "
                "on record."
            ),
            "submit": _("End the group"),
            "cancel": reverse("casework:group", args=[group.pk]),
        },
    )


def _members_visible(request: HttpRequest, group: Any) -> Any:
    return children_visible_to(request.user).filter(
        pk__in=group.members.filter(left_on__isnull=True).values("child_id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_user(request.user, pk)
    form = forms.SessionForm(
        request.POST or None,
        children=_members_visible(request, group),
        initial={"held_on": today()},
    )
    if _submit(request, form, services.session_record, actor=request.user, group=group):
        return redirect("casework:group", pk=group.pk)
    return _form_page(
        request,
        {
            "form": form,
            "title": _("Record a session of %(group)s") % {"group": group.name},
            "submit": _("Save"),
            "cancel": reverse("casework:group", args=[group.pk]),
        },
    )


@login_required
@require_POST
def group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_user(request.user, pk)
    form = forms.LeaveGroupForm(request.POST)
    if not form.is_valid():
        raise Http404
    child = access.child_for_casework(request.user, form.cleaned_data["child"])
    try:
        services.group_leave(actor=request.user, group=group, child=child)
    except services.CaseworkError as exc:
        messages.error(request, str(exc))
    return redirect("casework:group", pk=group.pk)


@login_required
@require_POST
def child_join_group(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_casework(request.user, pk)
    form = forms.JoinGroupForm(request.POST, groups=access.groups_visible_to(request.user))
    if form.is_valid():
        try:
            services.group_join(actor=request.user, group=form.cleaned_data["group"], child=child)
            messages.success(request, _("The child has joined the group."))
        except services.CaseworkError as exc:
            messages.error(request, str(exc))
    return redirect("casework:child", pk=child.pk)
