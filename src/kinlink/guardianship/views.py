"""Guardianship pages. Thin: fetch through `guardianship.access` (404 outside scope), call a
service, redirect; reads of a child's records are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.audit.models import Action
from kinlink.audit.services import audit_record, audit_view
from kinlink.core.dates import today
from kinlink.core.phones import display_phone
from kinlink.guardianship import access, conf, forms, services
from kinlink.guardianship.alerts import alerts_for_child
from kinlink.guardianship.checklist import (
    DECLARATION,
    ITEM_KEYS,
    checklist_for,
    plan_declaration,
)
from kinlink.guardianship.checklist import item as checklist_item
from kinlink.guardianship.models import (
    ApprovalStatus,
    Declaration,
    DeclarationStatus,
    PreDeparturePlan,
)
from kinlink.guardianship.selectors import (
    WorklistFilters,
    approvals_waiting,
    child_guardianship,
    child_plans,
    in_scope_place,
    reviews_due,
    worklist,
)
from kinlink.registry.views import save_with

PAGE_SIZE = 25


def _say_contact_seeding(request: HttpRequest, outcome: str) -> None:
    """Tell the caseworker what became of the child's contact plan in the connection app."""
    if outcome in ("created", "updated"):
        messages.success(
            request,
            _(
                "The contact agreed is now the child's contact plan under Contact and income "
                "(alerts count contacts against it)."
            ),
        )
    elif outcome == "kept":
        messages.warning(
            request,
            _(
                "The child's contact plan under Contact and income was set by hand, so it was "
                "not changed. If the contact agreed here replaces it, change it there."
            ),
        )


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "guardianship/form_page.html", context)


def _require(request: HttpRequest, action: str) -> None:
    # A page for an act the user's role cannot do is not found, like a record out of scope.
    if not access.may(request.user, action):
        raise Http404


# Step two: the worklist ------------------------------------------------------------------------


@login_required
@require_GET
def worklist_page(request: HttpRequest) -> HttpResponse:
    if not access.can_read_guardianship(request.user):
        raise Http404
    form = forms.WorklistForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    on = data.get("on") or today()
    filters = WorklistFilters(
        on=on,
        place=in_scope_place(request.user, data.get("place")),
        no_parent_at_home=bool(data.get("no_parent_at_home")),
    )
    page = Paginator(worklist(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        audit_record(
            action=Action.LIST,
            object_type="registry.child",
            fields=["family_name", "given_name", "home_village", "away_parents"],
            extra={"ids": [c.pk for c in page.object_list], "purpose": "guardianship worklist"},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "guardianship/worklist.html",
        {
            "form": form,
            "page": page,
            "on": on,
            "query": query.urlencode(),
            "is_supervisor": access.may(request.user, "appointment.decide"),
            "reviews_due": reviews_due(request.user, on).count(),
        },
    )


# One child -------------------------------------------------------------------------------------


@login_required
@require_GET
def child_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_guardianship(request.user, pk)
    on = today()
    audit_view(child, fields=["guardianship"])
    records = child_guardianship(child, on)
    return render(
        request,
        "guardianship/child.html",
        {
            "child": child,
            "on": on,
            "records": records,
            "declarations": [(d, d.status_on(on)) for d in records.declarations],
            "alerts": alerts_for_child(child, on),
            "plans": child_plans(child),
            "may": _permissions(request),
        },
    )


def _permissions(request: HttpRequest) -> dict[str, bool]:
    return {action.replace(".", "_"): access.may(request.user, action) for action in access.MAY}


# Declarations ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def declaration_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_guardianship(request.user, pk)
    _require(request, "declaration.draft")
    form = forms.DeclarationForm(request.POST or None, user=request.user, child=child)
    if request.method == "POST" and form.is_valid():
        decl = save_with(
            form, services.declaration_draft, actor=request.user, child=child, **form.cleaned_data
        )
        if decl is not None:
            messages.success(request, _("The declaration is drafted. Print it for signature."))
            return redirect("guardianship:declaration_detail", pk=decl.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Draft a guardianship declaration"),
            "intro": _(
                "Record what the parent has decided: who will act for the child while the parent "
                "is away, for what, and for how long."
            ),
            "submit": _("Save the draft"),
            "cancel": reverse("guardianship:child", args=[child.pk]),
        },
    )


@login_required
@require_GET
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decl = access.declaration_for_user(request.user, pk)
    audit_view(decl)
    on = today()
    return render(
        request,
        "guardianship/declaration_detail.html",
        {
            "decl": decl,
            "child": decl.child,
            "status": decl.status_on(on),
            "verify_url": _verify_url(request, decl),
            "may": _permissions(request),
            "can_revoke": _may_revoke(request, decl),
            "S": DeclarationStatus,
        },
    )


def _may_revoke(request: HttpRequest, decl: Declaration) -> bool:
    ended = (DeclarationStatus.EXPIRED, DeclarationStatus.REVOKED, DeclarationStatus.SUPERSEDED)
    if decl.status_on(today()) in ended:
        return False
    action = (
        "declaration.revoke_registered" if decl.registered_on else "declaration.revoke_unregistered"
    )
    return access.may(request.user, action)


@login_required
@require_http_methods(["GET", "POST"])
def declaration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decl = access.declaration_for_user(request.user, pk)
    _require(request, "declaration.draft")
    if decl.status != DeclarationStatus.DRAFT:
        raise Http404
    initial = {
        "declarant": decl.declarant_id,
        "representative": decl.representative_id,
        "powers": decl.powers,
        "valid_from": decl.valid_from,
        "valid_until": decl.valid_until,
    }
    form = forms.DeclarationForm(
        request.POST or None, user=request.user, child=decl.child, initial=initial
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(
            form,
            services.declaration_update,
            actor=request.user,
            declaration=decl,
            **form.cleaned_data,
        )
    ):
        return redirect("guardianship:declaration_detail", pk=decl.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": decl.child,
            "title": _("Change the draft declaration"),
            "submit": _("Save"),
            "cancel": reverse("guardianship:declaration_detail", args=[decl.pk]),
        },
    )


def _declaration_action(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    form_class: type,
    service: Callable[..., Any],
    title: str,
    submit: str,
    done: str,
    intro: str = "",
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    decl = access.declaration_for_user(request.user, pk)
    _require(request, action)
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, service, actor=request.user, declaration=decl, **form.cleaned_data)
    ):
        messages.success(request, done)
        return redirect("guardianship:declaration_detail", pk=decl.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": decl.child,
            "decl": decl,
            "title": title,
            "intro": intro,
            "submit": submit,
            "cancel": reverse("guardianship:declaration_detail", args=[decl.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _declaration_action(
        request,
        pk,
        action="declaration.sign",
        form_class=forms.SignForm,
        service=services.declaration_sign,
        title=_("Record the signatures"),
        intro=_("The parent has signed the printed declaration and the representative accepted."),
        submit=_("Record"),
        done=_("The signatures are recorded. The declaration now goes for registration."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_register(request: HttpRequest, pk: int) -> HttpResponse:
    return _declaration_action(
        request,
        pk,
        action="declaration.register",
        form_class=forms.RegisterForm,
        service=services.declaration_register,
        title=_("Register the declaration"),
        intro=_(
            "Register the signed paper, or record the notary's certification. A registered "
            "declaration from the same parent that would still run is replaced by this one."
        ),
        submit=_("Register"),
        done=_("The declaration is registered."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    decl = access.declaration_for_user(request.user, pk)
    if not _may_revoke(request, decl):
        raise Http404
    form = forms.RevokeForm(request.POST or None, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(
            form,
            services.declaration_revoke,
            actor=request.user,
            declaration=decl,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("The declaration is revoked."))
        return redirect("guardianship:declaration_detail", pk=decl.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": decl.child,
            "title": _("Revoke the declaration"),
            "intro": _(
                "From the day it ends, the verification page tells anyone who checks the code "
                "that it is revoked."
            ),
            "submit": _("Revoke"),
            "danger": True,
            "cancel": reverse("guardianship:declaration_detail", args=[decl.pk]),
        },
    )


def _verify_url(request: HttpRequest, decl: Declaration) -> str:
    path = reverse("verify:result", args=[decl.code_display])
    base = conf.public_url()
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
@require_GET
def declaration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from kinlink.guardianship.printing import declaration_pdf as render_pdf

    decl = access.declaration_for_user(request.user, pk)
    _require(request, "declaration.print")
    pdf = render_pdf(decl, _verify_url(request, decl))
    audit_record(
        action=Action.EXPORT,
        object_type="guardianship.declaration",
        object_id=decl.pk,
        extra={"format": "pdf"},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # No name in the file name: only the record number.
    response["Content-Disposition"] = f'inline; filename="declaration-{decl.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# Step two: assessments and appointments --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_guardianship(request.user, pk)
    _require(request, "assessment.record")
    form = forms.AssessmentForm(request.POST or None, user=request.user, child=child)
    if request.method == "POST" and form.is_valid():
        bia = save_with(
            form, services.assessment_record, actor=request.user, child=child, **form.cleaned_data
        )
        if bia is not None:
            return redirect("guardianship:assessment_detail", pk=bia.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Best-interests assessment"),
            "intro": _(
                "Hear the child, consider more than one option, assess the caregiver, and keep "
                "siblings together unless separating them is in their interest."
            ),
            "submit": _("Save the assessment"),
            "cancel": reverse("guardianship:child", args=[child.pk]),
        },
    )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bia = access.assessment_for_user(request.user, pk)
    audit_view(bia)
    return render(
        request,
        "guardianship/assessment_detail.html",
        {"bia": bia, "child": bia.child, "may": _permissions(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_guardianship(request.user, pk)
    _require(request, "appointment.request")
    initial = {"starts_on": today()}
    if request.GET.get("assessment"):
        initial["assessment"] = request.GET["assessment"]
    form = forms.AppointmentForm(
        request.POST or None, user=request.user, child=child, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        appt = save_with(
            form, services.appointment_request, actor=request.user, child=child, **form.cleaned_data
        )
        if appt is not None:
            messages.success(request, _("The appointment is sent to a supervisor for approval."))
            return redirect("guardianship:appointment_detail", pk=appt.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Propose an appointment"),
            "intro": _("A supervisor approves it before it takes effect."),
            "submit": _("Request approval"),
            "cancel": reverse("guardianship:child", args=[child.pk]),
        },
    )


@login_required
@require_GET
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appt = access.appointment_for_user(request.user, pk)
    audit_view(appt)
    waiting = appt.status in (ApprovalStatus.REQUESTED, ApprovalStatus.PENDING)
    is_own = appt.requested_by_id == request.user.pk
    may_decide = access.may(request.user, "appointment.decide") and waiting and not is_own
    return render(
        request,
        "guardianship/appointment_detail.html",
        {
            "appt": appt,
            "child": appt.child,
            "may_take_up": may_decide and appt.status == ApprovalStatus.REQUESTED,
            "may_decide": may_decide and (appt.reviewer_id in (None, request.user.pk)),
            "in_force": appt.status == ApprovalStatus.APPROVED and appt.ended_on is None,
            "may": _permissions(request),
        },
    )


@login_required
@require_POST
def appointment_take_up(request: HttpRequest, pk: int) -> HttpResponse:
    appt = access.appointment_for_user(request.user, pk)
    _require(request, "appointment.decide")
    try:
        services.appointment_take_up(actor=request.user, appointment=appt)
    except services.GuardianshipError as exc:
        messages.error(request, str(exc))
    return redirect("guardianship:appointment_detail", pk=appt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appt = access.appointment_for_user(request.user, pk)
    _require(request, "appointment.decide")
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = save_with(
            form,
            services.appointment_decide,
            actor=request.user,
            appointment=appt,
            approve=approve,
            note=form.cleaned_data["note"],
        )
        if done:
            return redirect("guardianship:appointment_detail", pk=appt.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": appt.child,
            "title": _("Approve or reject the appointment"),
            "submit": _("Record the decision"),
            "cancel": reverse("guardianship:appointment_detail", args=[appt.pk]),
        },
    )


def _appointment_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type,
    service: Callable[..., Any],
    title: str,
    submit: str,
) -> HttpResponse:
    appt = access.appointment_for_user(request.user, pk)
    _require(request, "appointment.review")
    form = form_class(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, service, actor=request.user, appointment=appt, **form.cleaned_data)
    ):
        return redirect("guardianship:appointment_detail", pk=appt.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": appt.child,
            "title": title,
            "submit": submit,
            "cancel": reverse("guardianship:appointment_detail", args=[appt.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _appointment_action(
        request,
        pk,
        form_class=forms.ReviewForm,
        service=services.appointment_review,
        title=_("Record a review"),
        submit=_("Record"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _appointment_action(
        request,
        pk,
        form_class=forms.EndAppointmentForm,
        service=services.appointment_end,
        title=_("End the appointment"),
        submit=_("End"),
    )


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    _require(request, "appointment.decide")
    waiting = list(approvals_waiting(request.user)[:200])
    if waiting:
        audit_record(
            action=Action.LIST,
            object_type="guardianship.appointment",
            extra={"ids": [a.pk for a in waiting]},
        )
    return render(request, "guardianship/approvals.html", {"waiting": waiting})


# Step three: court -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_guardianship(request.user, pk)
    _require(request, "court.refer")
    form = forms.ReferralForm(
        request.POST or None, user=request.user, child=child, initial={"referred_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        referral = save_with(
            form, services.referral_create, actor=request.user, child=child, **form.cleaned_data
        )
        if referral is not None:
            return redirect("guardianship:referral_detail", pk=referral.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Refer to court"),
            "intro": _(
                "When no family-based arrangement could be made, or to approve proxy care. "
                "Send the assessments and describe what was tried."
            ),
            "submit": _("Refer"),
            "cancel": reverse("guardianship:child", args=[child.pk]),
        },
    )


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.referral_for_user(request.user, pk)
    audit_view(referral)
    return render(
        request,
        "guardianship/referral_detail.html",
        {
            "referral": referral,
            "child": referral.child,
            "hearings": referral.hearings.all(),
            "follow_ups": referral.follow_ups.select_related("visited_by"),
            "assessments": referral.assessments.all(),
            "appointments": referral.appointments.select_related("guardian"),
            "may": _permissions(request),
        },
    )


def _referral_action(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    form_class: type,
    service: Callable[..., Any],
    title: str,
    submit: str,
    with_child: bool = False,
) -> HttpResponse:
    referral = access.referral_for_user(request.user, pk)
    _require(request, action)
    kwargs = {"user": request.user, "child": referral.child} if with_child else {}
    form = form_class(request.POST or None, **kwargs)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, service, actor=request.user, referral=referral, **form.cleaned_data)
    ):
        return redirect("guardianship:referral_detail", pk=referral.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": referral.child,
            "title": title,
            "submit": submit,
            "cancel": reverse("guardianship:referral_detail", args=[referral.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        action="court.record",
        form_class=forms.HearingForm,
        service=services.hearing_add,
        title=_("Add a hearing"),
        submit=_("Add"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        action="court.record",
        form_class=forms.CourtDecisionForm,
        service=services.referral_decide,
        title=_("Record the court's decision"),
        submit=_("Record"),
        with_child=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        action="court.follow_up",
        form_class=forms.FollowUpForm,
        service=services.follow_up_add,
        title=_("Record a follow-up visit"),
        submit=_("Record"),
    )


# Before a parent leaves (issue 6, item 5) ------------------------------------------------------


def _plan_initial(plan: PreDeparturePlan) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    for name in ("parent", *services.PLAN_PEOPLE):
        initial[name] = getattr(plan, f"{name}_id")
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_guardianship(request.user, pk)
    _require(request, "pre_departure.plan")
    initial = {"school_name": child.school.name if child.school_id else ""}
    form = forms.PlanForm(request.POST or None, user=request.user, child=child, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = save_with(
            form, services.plan_create, actor=request.user, child=child, **form.cleaned_data
        )
        if plan is not None:
            messages.success(request, _("The plan is started. Add emergency contacts next."))
            _say_contact_seeding(request, plan.contact_seeding)
            return redirect("guardianship:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": child,
            "title": _("Plan before a parent leaves"),
            "intro": _(
                "Sit down with the parent and the caregiver before the parent leaves: who acts "
                "for the child, how they will keep in touch, school, health, and whom to call. "
                "What is not known yet can be added later."
            ),
            "submit": _("Save the plan"),
            "cancel": reverse("guardianship:child", args=[child.pk]),
        },
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_user(request.user, pk)
    audit_view(plan)
    checklist = checklist_for(plan, today())
    return render(
        request,
        "guardianship/plan_detail.html",
        {
            "plan": plan,
            "child": plan.child,
            "checklist": checklist,
            "declaration": next(s for s in checklist.items if s.item.key == DECLARATION),
            "contacts": plan.emergency_contacts.all(),
            "handovers": plan.handovers.select_related("given_to", "given_by"),
            "may": _permissions(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_user(request.user, pk)
    _require(request, "pre_departure.plan")
    form = forms.PlanForm(
        request.POST or None, user=request.user, child=plan.child, initial=_plan_initial(plan)
    )
    if request.method == "POST" and form.is_valid():
        saved = save_with(
            form, services.plan_update, actor=request.user, plan=plan, **form.cleaned_data
        )
        if saved is not None:
            _say_contact_seeding(request, saved.contact_seeding)
            return redirect("guardianship:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": plan.child,
            "title": _("Change the pre-departure plan"),
            "submit": _("Save"),
            "cancel": reverse("guardianship:plan_detail", args=[plan.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_user(request.user, pk)
    _require(request, "pre_departure.plan")
    rows = conf.emergency_contacts_max()
    initial: dict[str, str] = {}
    for n, contact in enumerate(plan.emergency_contacts.all(), start=1):
        initial |= {
            f"name_{n}": contact.name,
            f"relationship_{n}": contact.relationship,
            f"phone_{n}": display_phone(contact.phone),
        }
    form = forms.EmergencyContactsForm(request.POST or None, rows=rows, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_with(
            form,
            services.plan_set_emergency_contacts,
            actor=request.user,
            plan=plan,
            contacts=form.contacts(),
        )
        if saved is not None:
            return redirect("guardianship:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": plan.child,
            "title": _("Emergency contacts"),
            "intro": _(
                "People the caregiver and the child can call in an emergency, besides the "
                "parent. Numbers abroad need their country code."
            ),
            "submit": _("Save"),
            "cancel": reverse("guardianship:plan_detail", args=[plan.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_mark(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_user(request.user, pk)
    _require(request, "pre_departure.plan")
    key = request.POST.get("item") or request.GET.get("item") or ""
    if key not in ITEM_KEYS:
        raise Http404
    spec = checklist_item(key)
    mark = plan.marks.filter(item=key).first()
    initial = {"item": key, "state": mark.state if mark else "", "note": mark.note if mark else ""}
    form = forms.ChecklistMarkForm(request.POST or None, initial=initial, derived=spec.derived)
    if request.method == "POST" and form.is_valid():
        mark = save_with(
            form, services.checklist_mark, actor=request.user, plan=plan, **form.cleaned_data
        )
        if mark is not None:
            _say_contact_seeding(request, mark.contact_seeding)
            return redirect("guardianship:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": plan.child,
            "title": spec.label,
            "intro": spec.help,
            "submit": _("Save"),
            "cancel": reverse("guardianship:plan_detail", args=[plan.pk]),
        },
    )


@login_required
@require_GET
def plan_pack(request: HttpRequest, pk: int) -> HttpResponse:
    from kinlink.guardianship.printing import family_pack_pdf

    plan = access.plan_for_user(request.user, pk)
    _require(request, "pre_departure.print")
    decl, _stage = plan_declaration(plan, today())
    pdf = family_pack_pdf(plan, verify_url=_verify_url(request, decl) if decl else "")
    services.pack_exported(plan=plan)
    response = HttpResponse(pdf, content_type="application/pdf")
    # No name in the file name: only the plan's number.
    response["Content-Disposition"] = f'inline; filename="family-pack-{plan.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_given(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.plan_for_user(request.user, pk)
    _require(request, "pre_departure.give")
    form = forms.HandoverForm(
        request.POST or None,
        user=request.user,
        child=plan.child,
        initial={"given_on": today(), "given_to": plan.parent_id},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.pack_given, actor=request.user, plan=plan, **form.cleaned_data)
    ):
        messages.success(request, _("Recorded: the family pack was given."))
        return redirect("guardianship:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "child": plan.child,
            "title": _("Record that the family pack was given"),
            "intro": _("Print the pack in the family's language and go through it with them."),
            "submit": _("Record"),
            "cancel": reverse("guardianship:plan_detail", args=[plan.pk]),
        },
    )
