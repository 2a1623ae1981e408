"""The pre-departure checklist (issue 6, item 5): its items as data, and each item's state for a
plan.

An item is *done*, *not done* or *not applicable* (with a note saying why). Most are marked by
the caseworker, who cannot mark one done while what it needs is missing from the plan (how often
and how the parent will be in touch, who signs school papers...). The guardianship declaration is
never marked done by hand: it is done when the parent's own declaration for the child is
registered (or notarised, or in force) and still runs on the day of departure, as the records of
this app say; a caseworker may only mark it not applicable, with a reason (the other parent
stays at home and keeps parental authority, for example).

To add an item: add an `Item` to `ITEMS` (a new key needs no migration; marks are stored by key)
and say in `missing` what it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinlink.core.dates import today
from kinlink.guardianship.models import (
    ChecklistMark,
    Declaration,
    DeclarationStatus,
    InsuranceScheme,
    MarkState,
    PreDeparturePlan,
)

DECLARATION = "declaration"


def _contact_missing(plan: PreDeparturePlan) -> str:
    if not plan.contact_frequency or not plan.contact_channel:
        return _("Record how often the parent will be in touch, and how.")
    return ""


def _school_missing(plan: PreDeparturePlan) -> str:
    if plan.school_signatory_id is None:
        return _("Record who signs school papers while the parent is away.")
    return ""


def _health_missing(plan: PreDeparturePlan) -> str:
    if not plan.insurance_scheme:
        return _("Record the child's health insurance (or that there is none).")
    if plan.insurance_scheme != InsuranceScheme.NONE and plan.insurance_card_holder_id is None:
        return _("Record who keeps the insurance card.")
    if plan.treatment_consent_by_id is None:
        return _("Record who consents to the child's medical treatment.")
    return ""


def _contacts_missing(plan: PreDeparturePlan) -> str:
    if not plan.emergency_contacts.exists():
        return _("Add at least one emergency contact.")
    return ""


def _nothing_missing(plan: PreDeparturePlan) -> str:
    return ""


@dataclass(frozen=True)
class Item:
    key: str
    label: Promise
    help: Promise
    missing: Callable[[PreDeparturePlan], str]  # "" when the plan holds what the item needs
    derived: bool = False  # its state comes from records, not from a mark


ITEMS: tuple[Item, ...] = (
    Item(
        DECLARATION,
        gettext_lazy("Guardianship declaration in place"),
        gettext_lazy(
            "The parent names a temporary legal representative, registered before departure."
        ),
        _nothing_missing,
        derived=True,
    ),
    Item(
        "contact_plan",
        gettext_lazy("Contact plan agreed with the child"),
        gettext_lazy("How often the parent will be in touch, and by which channel."),
        _contact_missing,
    ),
    Item(
        "school",
        gettext_lazy("School arrangements"),
        gettext_lazy("Which school, and who signs school papers and meets the teachers."),
        _school_missing,
    ),
    Item(
        "health",
        gettext_lazy("Health insurance and medical consent"),
        gettext_lazy("The scheme, who keeps the card, who consents to treatment."),
        _health_missing,
    ),
    Item(
        "emergency_contacts",
        gettext_lazy("Emergency contacts"),
        gettext_lazy("People the caregiver and the child can call, with checked numbers."),
        _contacts_missing,
    ),
    Item(
        "help",
        gettext_lazy("The caregiver knows where to get help"),
        gettext_lazy("The social-work station and the helplines printed in the family pack."),
        _nothing_missing,
    ),
    Item(
        "talking",
        gettext_lazy("Talking with the child about the departure"),
        gettext_lazy(
            "The guidance for the child's age was gone through with the parent and the caregiver."
        ),
        _nothing_missing,
    ),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)


def item(key: str) -> Item:
    for candidate in ITEMS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


@dataclass(frozen=True)
class ItemState:
    item: Item
    state: MarkState
    detail: str  # why it is in this state, in words
    note: str  # the caseworker's note
    declaration: Declaration | None = None

    @property
    def resolved(self) -> bool:
        return self.state in (MarkState.DONE, MarkState.NOT_APPLICABLE)


@dataclass(frozen=True)
class Checklist:
    items: tuple[ItemState, ...]

    @property
    def resolved(self) -> int:
        return sum(1 for s in self.items if s.resolved)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.resolved == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.resolved / self.total) if self.total else 100


# Declarations that count for a plan, best first. Ended ones never count.
_READY = (DeclarationStatus.ACTIVE, DeclarationStatus.REGISTERED, DeclarationStatus.NOTARISED)


def plan_declaration(plan: PreDeparturePlan, on: dt.date) -> tuple[Declaration | None, str]:
    """The parent's best declaration for the child and its stage on the day: ("ready" when
    registered, notarised or in force and running on the departure day; "signed"; "draft";
    "short" when registered but ending before the departure; "" when there is none)."""
    declarations = Declaration.objects.filter(
        child_id=plan.child_id, declarant_id=plan.parent_id
    ).select_related("representative")
    ranked: list[tuple[int, Declaration, str]] = []
    for decl in declarations:
        status = decl.status_on(on)
        if status in _READY:
            stage = "ready" if decl.valid_until >= plan.departure_on else "short"
        elif status == DeclarationStatus.SIGNED:
            stage = "signed"
        elif status == DeclarationStatus.DRAFT:
            stage = "draft"
        else:
            continue  # expired, revoked or superseded
        rank = ("ready", "signed", "draft", "short").index(stage)
        ranked.append((rank, decl, stage))
    if not ranked:
        return None, ""
    ranked.sort(key=lambda r: (r[0], -r[1].valid_until.toordinal(), -r[1].pk))
    return ranked[0][1], ranked[0][2]


def _declaration_state(
    plan: PreDeparturePlan, mark: ChecklistMark | None, on: dt.date
) -> ItemState:
    spec = item(DECLARATION)
    decl, stage = plan_declaration(plan, on)
    note = mark.note if mark else ""
    if stage == "ready":
        assert decl is not None
        detail = _("%(status)s: %(name)s is the representative until %(date)s.") % {
            "status": DeclarationStatus(decl.status_on(on)).label,
            "name": decl.representative.full_name,
            "date": decl.valid_until.isoformat(),
        }
        return ItemState(spec, MarkState.DONE, detail, note, decl)
    if mark is not None and mark.state == MarkState.NOT_APPLICABLE:
        return ItemState(spec, MarkState.NOT_APPLICABLE, _("Marked not applicable."), note, decl)
    detail = {
        "signed": _("Signed; waiting for registration."),
        "draft": _("Drafted; not yet signed."),
        "short": _("Registered, but it ends before the departure."),
        "": _("This parent has made no declaration for the child yet."),
    }[stage]
    return ItemState(spec, MarkState.NOT_DONE, detail, note, decl)


def checklist_for(plan: PreDeparturePlan, on: dt.date | None = None) -> Checklist:
    """Every item's state for the plan on the day (today by default)."""
    on = on or today()
    marks = {m.item: m for m in ChecklistMark.objects.filter(plan=plan)}
    states = []
    for spec in ITEMS:
        mark = marks.get(spec.key)
        if spec.derived:
            states.append(_declaration_state(plan, mark, on))
            continue
        note = mark.note if mark else ""
        if mark is None or mark.state == MarkState.NOT_DONE:
            states.append(ItemState(spec, MarkState.NOT_DONE, spec.missing(plan), note))
        elif mark.state == MarkState.NOT_APPLICABLE:
            states.append(ItemState(spec, MarkState.NOT_APPLICABLE, "", note))
        elif missing := spec.missing(plan):
            # Marked done, and what it needed was removed from the plan since.
            states.append(ItemState(spec, MarkState.NOT_DONE, missing, note))
        else:
            states.append(ItemState(spec, MarkState.DONE, "", note))
    return Checklist(tuple(states))
