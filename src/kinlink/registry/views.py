"""Pages of the registry. Thin: read through `access`/`selectors`, write through `services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.models import Role
from kinlink.audit.models import Action
from kinlink.audit.selectors import audit_entries_for
from kinlink.audit.services import audit_record, audit_view
from kinlink.core.errors import RuleRefused
from kinlink.places.models import Place
from kinlink.registry import access, merging, services
from kinlink.registry.access import Group
from kinlink.registry.derived import child_status
from kinlink.registry.forms import AdultForm, CareForm, ChildForm, ChildSearchForm, MigrationForm
from kinlink.registry.hooks import child_links_for
from kinlink.registry.models import Adult, AwayParents, Relationship
from kinlink.registry.selectors import (
    SMALL_CELL,
    ChildFilters,
    child_search,
    counts_by_area,
    likely_duplicates,
)


def save_with(form: Any, service: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Call a service; on a ValidationError put its messages on the form's fields, on a refused
    rule (`core.errors.RuleRefused`) its message above the form, and return None; return the
    service's result otherwise. Every app's views save through this one function."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    except RuleRefused as exc:
        form.add_error(None, str(exc))
    return None


def _place_in_scope(request: HttpRequest, place_id: int | None) -> Place | None:
    if place_id is None or request.user.scope is None:
        return None
    return Place.objects.within(request.user.scope).filter(pk=place_id).first()


@login_required
@require_GET
def child_list(request: HttpRequest) -> HttpResponse:
    form = ChildSearchForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ChildFilters(
        q=data.get("q") or "",
        place=_place_in_scope(request, data.get("place")),
        away=data.get("away") or "",
        abroad=data.get("abroad"),
        sex=data.get("sex") or "",
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        child_headed=data.get("child_headed"),
        elderly_caregiver=data.get("elderly_caregiver"),
    )
    children = child_search(request.user, filters).select_related("home_village")
    page = Paginator(children, 25).get_page(request.GET.get("page"))
    if page.object_list:
        audit_record(
            action=Action.LIST,
            object_type="registry.child",
            fields=access.readable_child_fields(request.user),
            extra={"ids": [c.pk for c in page.object_list]},
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "no_access": not access.readable_groups(request.user),
    }
    template = "registry/_child_results.html" if request.htmx else "registry/child_list.html"
    return render(request, template, context)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Counts of registered children by area and by who is away, small cells suppressed."""
    if not access.readable_groups(request.user) or request.user.scope is None:
        raise Http404
    areas = counts_by_area(request.user)
    columns = [choice for choice in AwayParents]
    rows = [
        {
            "place": area.place,
            "total": area.total,
            "cells": [area.by_away.get(c.value, 0) for c in columns],
        }
        for area in areas
    ]
    return render(
        request,
        "registry/overview.html",
        {"rows": rows, "columns": columns, "small": SMALL_CELL, "scope": request.user.scope},
    )


@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.merged_record_target(request.user, pk)
    if target is not None:
        # An old link to a record merged into another: the child is now that record.
        messages.info(request, _("That record was merged into this child's record."))
        return redirect("registry:child_detail", pk=target.pk)
    child = access.child_for_user(request.user, pk)
    groups = access.readable_groups(request.user)
    audit_view(child, fields=access.readable_child_fields(request.user))
    context: dict[str, Any] = {
        "child": child,
        "status": child_status(child),
        "can": {g: g in groups for g in access.ALL_GROUPS},
        "can_edit": bool(access.editable_child_fields(request.user)),
        "can_edit_family": access.can_edit(request.user, Group.FAMILY),
        "can_register": access.can_register_children(request.user),
        "is_supervisor": request.user.role == Role.SUPERVISOR,
        "other_pages": child_links_for(request.user, child),
        "merges": access.merges_visible_to(request.user).filter(kept=child, undone_at=None),
    }
    if Group.FAMILY in groups:
        context["relationships"] = (
            Relationship.objects.filter(child=child)
            .select_related("adult")
            .prefetch_related("adult__migrations")
        )
        context["care"] = child.care_arrangements.select_related("caregiver", "caregiver_child")
        context["siblings"] = (
            access.children_visible_to(request.user)
            .filter(household_id=child.household_id)
            .exclude(pk=child.pk)
            if child.household_id
            else []
        )
    return render(request, "registry/child_detail.html", context)


def _register_initial(request: HttpRequest) -> dict[str, Any]:
    """A sibling registration starts from the sibling's household, family name and village."""
    sibling_id = request.GET.get("sibling")
    if not sibling_id:
        return {}
    sibling = access.child_for_user(request.user, sibling_id)
    return {
        "family_name": sibling.family_name,
        "home_village": sibling.home_village_id,
        "household": sibling.household_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def child_register(request: HttpRequest) -> HttpResponse:
    if not access.can_register_children(request.user):
        raise Http404
    initial = _register_initial(request)
    household_id = request.POST.get("household") or initial.get("household")
    household = access.household_for_user(request.user, household_id) if household_id else None
    form = ChildForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        child = save_with(form, services.child_register, household=household, **values)
        if child is not None:
            return redirect("registry:child_detail", pk=child.pk)
    return render(
        request,
        "registry/child_form.html",
        {"form": form, "household": household, "title": _("Register a child")},
    )


@login_required
@require_POST
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """The htmx partial under the registration form: children who may be the same one.
    POST, so that names and birth dates never appear in URLs or access logs."""
    if not access.can_register_children(request.user):
        raise Http404
    form = ChildForm(request.POST, user=request.user)
    form.is_valid()  # only to parse what has been typed so far; errors are not shown here
    data = form.cleaned_data
    matches = likely_duplicates(
        request.user,
        family_name=data.get("family_name", ""),
        given_name=data.get("given_name", ""),
        date_of_birth=data.get("date_of_birth"),
        village=data.get("home_village"),
    )
    if matches:
        audit_record(
            action=Action.LIST,
            object_type="registry.child",
            fields=["family_name", "given_name", "date_of_birth", "home_village"],
            extra={"ids": [c.pk for c in matches], "purpose": "duplicate check"},
        )
    return render(request, "registry/_duplicates.html", {"matches": matches})


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_user(request.user, pk)
    if not access.editable_child_fields(request.user):
        raise Http404
    form = ChildForm(request.POST or None, user=request.user, initial=ChildForm.initial_from(child))
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.child_update, child=child, **form.service_values())
    ):
        return redirect("registry:child_detail", pk=child.pk)
    return render(
        request, "registry/child_form.html", {"form": form, "child": child, "title": _("Edit")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def adult_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a parent, grandparent or other adult to a child's family."""
    child = access.child_for_editing(request.user, pk, Group.FAMILY)
    form = AdultForm(request.POST or None, initial={"is_alive": True})
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        adult = save_with(
            form,
            services.adult_add_to_child,
            child=child,
            kind=form.cleaned_data["relationship"],
            **values,
        )
        if adult is not None:
            return redirect("registry:child_detail", pk=child.pk)
    return render(request, "registry/adult_form.html", {"form": form, "child": child})


@login_required
@require_http_methods(["GET", "POST"])
def adult_edit(request: HttpRequest, pk: int) -> HttpResponse:
    adult = access.adult_for_user(request.user, pk)
    if not access.can_edit(request.user, Group.FAMILY):
        raise Http404
    initial = {f: getattr(adult, f) for f in AdultForm.base_fields if hasattr(adult, f)}
    initial["wechat"] = (adult.messaging or {}).get("wechat", "")
    relationship = adult.relationships.first()
    initial["relationship"] = relationship.kind if relationship else ""
    form = AdultForm(request.POST or None, initial=initial)
    form.fields["relationship"].disabled = True
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.adult_update, adult=adult, **form.service_values())
    ):
        return _back_to_child(request, adult)
    return render(request, "registry/adult_form.html", {"form": form, "adult": adult})


def _back_to_child(request: HttpRequest, adult: Adult) -> HttpResponse:
    child = access.children_visible_to(request.user).filter(relationships__adult=adult).first()
    if child is None:
        return redirect("registry:child_list")
    return redirect("registry:child_detail", pk=child.pk)


@login_required
@require_http_methods(["GET", "POST"])
def migration_add(request: HttpRequest, pk: int) -> HttpResponse:
    adult = access.adult_for_user(request.user, pk)
    if not access.can_edit(request.user, Group.FAMILY):
        raise Http404
    form = MigrationForm(request.POST or None, initial={"destination_country": "CN"})
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.migration_record, adult=adult, **form.cleaned_data)
    ):
        return _back_to_child(request, adult)
    return render(request, "registry/migration_form.html", {"form": form, "adult": adult})


@login_required
@require_http_methods(["GET", "POST"])
def migration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    episode = access.migration_episode_for_user(request.user, pk)
    if not access.can_edit(request.user, Group.FAMILY):
        raise Http404
    adult = episode.adult
    initial = {f: getattr(episode, f) for f in MigrationForm.base_fields}
    initial["destination_country"] = str(episode.destination_country)
    form = MigrationForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.migration_update, episode=episode, **form.cleaned_data)
    ):
        return _back_to_child(request, adult)
    return render(
        request, "registry/migration_form.html", {"form": form, "adult": adult, "episode": episode}
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_for_editing(request.user, pk, Group.FAMILY)
    adults = list(
        access.adults_visible_to(request.user)
        .filter(
            models.Q(relationships__child=child)
            | models.Q(household_id=child.household_id, household__isnull=False)
        )
        .distinct()
    )
    siblings = (
        list(
            access.children_visible_to(request.user)
            .filter(household_id=child.household_id)
            .exclude(pk=child.pk)
        )
        if child.household_id
        else []
    )
    form = CareForm(request.POST or None, adults=adults, siblings=siblings)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_with(form, services.care_record, child=child, **form.service_values())
    ):
        return redirect("registry:child_detail", pk=child.pk)
    return render(request, "registry/care_form.html", {"form": form, "child": child})


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = access.household_for_user(request.user, pk)
    audit_view(household)
    children = access.children_visible_to(request.user).filter(household=household)
    adults = access.adults_visible_to(request.user).filter(household=household)
    return render(
        request,
        "registry/household_detail.html",
        {"household": household, "children": children, "adults": adults},
    )


@login_required
def child_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has looked at or changed this child's record: for supervisors."""
    child = access.child_for_user(request.user, pk)
    if request.user.role != Role.SUPERVISOR:
        raise Http404
    page = Paginator(audit_entries_for(child), 50).get_page(request.GET.get("page"))
    return render(request, "registry/child_access_log.html", {"child": child, "page": page})


# Merges -----------------------------------------------------------------------------------------


@login_required
@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    """The merges of records in the user's scope, latest first, each with a way to undo it."""
    if not access.can_merge(request.user):
        raise Http404
    merges = access.merges_visible_to(request.user).select_related(
        "kept", "merged", "merged_by", "undone_by"
    )
    page = Paginator(merges, 25).get_page(request.GET.get("page"))
    ids = sorted({c for m in page.object_list for c in (m.kept_id, m.merged_id)})
    if ids:
        audit_record(
            action=Action.LIST,
            object_type="registry.child",
            fields=["family_name", "given_name"],
            extra={"ids": ids, "purpose": "merges"},
        )
    return render(request, "registry/merge_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a merge moved, and the button that undoes it."""
    merge = access.merge_for_user(request.user, pk)
    if request.method == "POST":
        try:
            merging.merge_undo(actor=request.user, merge=merge)
        except RuleRefused as exc:
            messages.error(request, str(exc))
            return redirect("registry:merge_detail", pk=merge.pk)
        messages.success(request, _("The merge was undone; both records are children again."))
        return redirect("registry:child_detail", pk=merge.merged_id)
    audit_view(merge.kept, fields=["family_name", "given_name", "merges"])
    audit_view(merge.merged, fields=["family_name", "given_name", "merges"])
    return render(
        request,
        "registry/merge_detail.html",
        {
            "merge": merge,
            "moved": _labelled(merging.moved_summary(merge.moved)),
            "removed": _labelled(merging.moved_summary(merge.removed)),
        },
    )


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    """{model label: n} as (the model's name in the user's language, n)."""
    out = []
    for label, n in sorted(counts.items()):
        try:
            model = apps.get_model(label)
        except LookupError:
            out.append((label, n))
            continue
        name = str(model._meta.verbose_name)
        owner = model._meta.auto_created  # a many-to-many table: name it by its field
        if owner:
            field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
            name = f"{owner._meta.verbose_name}: {field.verbose_name}"
        out.append((name, n))
    return out
