"""Identification pages. Thin: fetch through `identification.access` (404 outside scope), call a
service or a selector, render; every read of imported rows or of a child's data is audited."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.audit.models import Action
from kinlink.audit.services import audit_record, audit_view
from kinlink.core.dates import today
from kinlink.identification import (
    access,
    chart,
    conf,
    evidence,
    forms,
    selectors,
    services,
    tasks,
)
from kinlink.identification.models import (
    OPEN_DUPLICATES,
    BatchStatus,
    DuplicateStatus,
    Verdict,
)
from kinlink.identification.reading import FIELD_LABELS
from kinlink.registry.access import can_merge, can_register_children, child_for_user
from kinlink.registry.hooks import child_actions_for
from kinlink.registry.views import save_with

PAGE_SIZE = 25
PREVIEW_ROWS = 5
PROBLEMS_SHOWN = 500


def _require_identify(request: HttpRequest) -> None:
    if not access.can_identify(request.user):
        raise Http404


def _list_audit(object_type: str, ids: list[int], purpose: str, fields: list[str]) -> None:
    if ids:
        audit_record(
            action=Action.LIST,
            object_type=object_type,
            fields=fields,
            extra={"ids": ids, "purpose": purpose},
        )


# Lists -----------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_identify(request)
    batches = access.batches_visible_to(request.user).select_related("created_by", "school")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "identification/home.html",
        {"page": page, "to_review": selectors.review_queue(request.user).count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_identify(request)
    form = forms.UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploaded = data["file"]
        try:
            batch, is_new = services.batch_upload(
                actor=request.user,
                kind=data["kind"],
                file_name=uploaded.name,
                raw=uploaded.read(),
                school=data["school"],
                programme=data["programme"],
            )
        except services.IdentificationError as exc:
            form.add_error("file", str(exc))
        else:
            if not is_new:
                messages.info(
                    request,
                    _("This file was already imported; nothing has changed."),
                )
                return redirect("identification:batch", batch.pk)
            return redirect("identification:mapping", batch.pk)
    return render(request, "identification/upload.html", {"form": form})


# One batch -------------------------------------------------------------------------------------


def _preview(batch: Any) -> tuple[list[str], list[list[str]]]:
    table = services.batch_table(batch)
    return table.headers, table.rows[:PREVIEW_ROWS]


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.batch_for_user(request.user, pk)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.CHECKED):
        return redirect("identification:batch", batch.pk)
    form = forms.MappingForm(request.POST or None, batch=batch, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_check(
                actor=request.user,
                batch=batch,
                mapping=form.mapping(),
                school=form.cleaned_data.get("default_school"),
                programme=form.cleaned_data.get("default_programme") or "",
            )
        except services.IdentificationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("identification:batch", batch.pk)
    try:
        headers, rows = _preview(batch)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
        return redirect("identification:batch", batch.pk)
    audit_view(batch, fields=["preview"])
    return render(
        request,
        "identification/mapping.html",
        {"batch": batch, "form": form, "headers": headers, "rows": rows},
    )


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.batch_for_user(request.user, pk)
    if batch.status == BatchStatus.UPLOADED:
        return redirect("identification:mapping", batch.pk)
    audit_view(batch, fields=["problems"])
    runs = list(batch.runs.select_related("job")[:5])
    problems = [
        {"row": p[0], "field": FIELD_LABELS.get(p[1], ""), "message": p[2], "is_error": p[3]}
        for p in batch.problems[:PROBLEMS_SHOWN]
    ]
    return render(
        request,
        "identification/batch.html",
        {
            "batch": batch,
            "problems": problems,
            "more_problems": max(0, len(batch.problems) - PROBLEMS_SHOWN),
            "runs": runs,
            "current": next((r for r in runs if r.is_current), None),
        },
    )


@login_required
@require_GET
def batch_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem as CSV (row, column, reason): for correcting the file at hand."""
    batch = access.batch_for_user(request.user, pk)
    audit_record(
        action=Action.EXPORT,
        object_type="identification.importbatch",
        object_id=batch.pk,
        fields=["problems"],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="problems-{batch.pk}.csv"'
    response.write("\ufeff")  # so that Excel opens the UTF-8 file as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Problem"), _("Row skipped")])
    for row, column, message, is_error in batch.problems:
        writer.writerow(
            [row, FIELD_LABELS.get(column, ""), message, _("yes") if is_error else _("no")]
        )
    return response


@login_required
@require_POST
def batch_accept(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.batch_for_user(request.user, pk)
    try:
        if batch.good_rows > conf.inline_rows():
            job = tasks.import_start(actor=request.user, batch=batch)
            return redirect("jobs:detail", job.pk)
        batch = services.batch_accept(actor=request.user, batch=batch)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d rows imported.") % {"n": batch.good_rows})
    return redirect("identification:batch", batch.pk)


@login_required
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.batch_for_user(request.user, pk)
    try:
        services.batch_discard(actor=request.user, batch=batch)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
        return redirect("identification:batch", batch.pk)
    messages.success(request, _("The list was discarded; nothing was imported."))
    return redirect("identification:home")


@login_required
@require_POST
def batch_link(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.batch_for_user(request.user, pk)
    try:
        job = tasks.link_start(actor=request.user, batch=batch)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
        return redirect("identification:batch", batch.pk)
    return redirect("jobs:detail", job.pk)


@login_required
@require_GET
def row_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = access.row_for_user(request.user, pk)
    audit_view(row)
    return render(
        request,
        "identification/row.html",
        {"row": row, "may_register": can_register_children(request.user)},
    )


# Review ----------------------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    _require_identify(request)
    page = Paginator(selectors.review_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _list_audit(
        "registry.child",
        [c.child_id for c in page.object_list],
        "identification review queue",
        ["family_name", "given_name", "home_village"],
    )
    return render(request, "identification/review_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def review_pair(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.candidate_for_user(request.user, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_decide(
                actor=request.user,
                candidate=candidate,
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
            )
        except services.IdentificationError as exc:
            messages.error(request, str(exc))
            return redirect("identification:review_pair", candidate.pk)
        messages.success(request, _("Decision recorded."))
        following = selectors.review_queue(request.user).first()
        if following is not None:
            return redirect("identification:review_pair", following.pk)
        return redirect("identification:review")
    audit_view(
        candidate.child, fields=["family_name", "given_name", "date_of_birth", "national_id"]
    )
    audit_view(candidate.row)
    return render(
        request,
        "identification/review_pair.html",
        {
            "candidate": candidate,
            "row": candidate.row,
            "child": candidate.child,
            "guardian": selectors.guardian_of(candidate.child, today()),
            "evidence": evidence.in_words(candidate.evidence),
            "form": form,
            "open": candidate.status in services.DECIDABLE and candidate.run.is_current,
            "verdicts": Verdict,
        },
    )


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    _require_identify(request)
    decisions = access.decisions_visible_to(request.user).select_related(
        "child", "decided_by", "reversed_by", "candidate__row__batch"
    )
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    _list_audit(
        "registry.child",
        [d.child_id for d in page.object_list],
        "identification decisions",
        ["family_name", "given_name"],
    )
    return render(request, "identification/decision_list.html", {"page": page})


@login_required
@require_POST
def decision_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.decision_for_user(request.user, pk)
    try:
        services.decision_reverse(actor=request.user, decision=decision)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision reversed; the pair is back in the review queue."))
    return redirect("identification:decisions")


# Outcomes --------------------------------------------------------------------------------------


@login_required
@require_GET
def child_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_identify(request.user):
        raise Http404
    child = child_for_user(request.user, pk)
    audit_view(child, fields=["identification"])
    on = today()
    return render(
        request,
        "identification/child.html",
        {"child": child, "on": on, "outcome": selectors.child_outcome(child, on)},
    )


WORKLIST_TITLES = {
    "not-enrolled": _("Left-behind children of school age not enrolled"),
    "no-service": _("Left-behind children receiving no service"),
}


def _worklist(request: HttpRequest, name: str) -> HttpResponse:
    _require_identify(request)
    form = forms.PlaceFilterForm(request.GET or None, user=request.user)
    place = form.cleaned_data.get("place") if form.is_valid() else None
    on = today()
    children = selectors.worklist(request.user, name, on, place)
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [c.pk for c in page.object_list]
    programmes = selectors.programmes_of(ids, on)
    # Other apps' actions on each child (casework: open a case from the worklist).
    actions = child_actions_for(request.user, list(page.object_list), source="worklist")
    for child in page.object_list:
        child.programmes = programmes.get(child.pk, [])
        child.actions = actions[child.pk]
    _list_audit(
        "registry.child",
        ids,
        f"identification worklist {name}",
        ["family_name", "given_name", "home_village", "school"],
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/worklist.html",
        {
            "name": name,
            "title": WORKLIST_TITLES[name],
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "villages": selectors.counts_by_village(
                selectors.worklist(request.user, name, on, place)
            ),
            "rosters": list(selectors.rosters_in_use(request.user)),
            "on": on,
            "low_attendance": conf.LOW_ATTENDANCE,
            "school_age": conf.SCHOOL_AGE,
        },
    )


@login_required
@require_GET
def not_enrolled(request: HttpRequest) -> HttpResponse:
    return _worklist(request, "not-enrolled")


@login_required
@require_GET
def no_service(request: HttpRequest) -> HttpResponse:
    return _worklist(request, "no-service")


@login_required
@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    _require_identify(request)
    page = Paginator(selectors.unmatched_rows(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _list_audit(
        "identification.sourcerow",
        [r.pk for r in page.object_list],
        "ledger rows matched to no registered child",
        ["family_name", "given_name", "village"],
    )
    return render(request, "identification/unmatched.html", {"page": page})


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    if not access.can_see_coverage(request.user):
        raise Http404
    on = today()
    total, areas = selectors.coverage(request.user, on)
    return render(
        request,
        "identification/coverage.html",
        {
            "total": total,
            "areas": areas,
            "on": on,
            "chart": chart.coverage_chart(areas),
            "small": selectors.SMALL_CELL,
            "school_age": conf.SCHOOL_AGE,
        },
    )


# Duplicates within the registry ------------------------------------------------------------------


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Children who may be registered twice, waiting for a person, and a button to look again.
    An administrator may start the search over the whole registry but sees no pair (no names):
    caseworkers and supervisors review the pairs of their scope."""
    if not tasks.can_deduplicate(request.user):
        raise Http404
    page = Paginator(selectors.duplicate_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    decided = list(selectors.duplicates_decided(request.user)[:PAGE_SIZE])
    ids = sorted({c for p in [*page.object_list, *decided] for c in (p.child_a_id, p.child_b_id)})
    _list_audit(
        "registry.child", ids, "registry duplicates", ["family_name", "given_name", "home_village"]
    )
    return render(
        request,
        "identification/duplicate_list.html",
        {
            "page": page,
            "decided": decided,
            "run": selectors.latest_dedupe_run(request.user),
        },
    )


@login_required
@require_POST
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """Start the search for children registered twice, as a background job."""
    if not tasks.can_deduplicate(request.user):
        raise Http404
    try:
        job = tasks.dedupe_start(actor=request.user)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
        return redirect("identification:duplicates")
    return redirect("jobs:detail", job.pk)


def _side(child: Any, on: Any) -> dict[str, Any]:
    return {"child": child, "guardian": selectors.guardian_of(child, on)}


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """Both records side by side with the evidence; the same child (keep one) or two."""
    pair = access.duplicate_for_user(request.user, pk)
    form = forms.DuplicateDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        keep = {form.KEEP_A: pair.child_a, form.KEEP_B: pair.child_b}.get(decision)
        if keep is not None and not can_merge(request.user):
            raise Http404
        pair = (
            save_with(
                form,
                services.duplicate_decide,
                actor=request.user,
                pair=pair,
                verdict=Verdict.MATCH if keep is not None else Verdict.NON_MATCH,
                keep=keep,
                note=form.cleaned_data["note"],
            )
            or pair
        )
        if not form.errors:
            if pair.merge_id:
                messages.success(request, _("The records were merged."))
                return redirect("registry:child_detail", pair.merge.kept_id)
            messages.success(request, _("Decision recorded."))
            following = selectors.duplicate_queue(request.user).first()
            if following is not None:
                return redirect("identification:duplicate_pair", following.pk)
            return redirect("identification:duplicates")
    fields = ["family_name", "given_name", "date_of_birth", "national_id", "home_village"]
    audit_view(pair.child_a, fields=fields)
    audit_view(pair.child_b, fields=fields)
    on = today()
    return render(
        request,
        "identification/duplicate_pair.html",
        {
            "pair": pair,
            "a": _side(pair.child_a, on),
            "b": _side(pair.child_b, on),
            "evidence": evidence.in_words(pair.evidence),
            "form": form,
            "open": pair.status in OPEN_DUPLICATES,
            "may_merge": can_merge(request.user),
            "statuses": DuplicateStatus,
        },
    )


@login_required
@require_POST
def duplicate_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    pair = access.duplicate_for_user(request.user, pk)
    try:
        services.duplicate_reopen(actor=request.user, pair=pair)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The pair is back among the pairs to review."))
    return redirect("identification:duplicate_pair", pair.pk)
