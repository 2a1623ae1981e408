"""Turning the registry and an imported batch into the engine's records, and the one rule that
decides each scored pair's status: caseworkers' decisions first, then best pairs first.

No writes here; `services.link_run_record` stores what `assign` returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Q, QuerySet

from kinlink.identification.models import DuplicateStatus, PairStatus, SourceRow, Verdict
from kinlink.registry.models import CareArrangement, Child, Relationship

# Which adult a ledger or roster most likely names as guardian, when no caregiver is recorded:
# the people who look after a left-behind child day to day before the parents.
_GUARDIAN_ORDER = [
    Relationship.Kind.GRANDMOTHER,
    Relationship.Kind.GRANDFATHER,
    Relationship.Kind.AUNT,
    Relationship.Kind.UNCLE,
    Relationship.Kind.OTHER_RELATIVE,
    Relationship.Kind.SIBLING,
    Relationship.Kind.STEPMOTHER,
    Relationship.Kind.STEPFATHER,
    Relationship.Kind.MOTHER,
    Relationship.Kind.FATHER,
    Relationship.Kind.NEIGHBOUR,
    Relationship.Kind.OTHER,
]
COLUMNS = [
    "record_id",
    "family_name",
    "given_name",
    "sex",
    "date_of_birth",
    "id_number",
    "village",
    "guardian_name",
    "guardian_phone",
]


def _name(family: str, given: str) -> str:
    return f"{family}{given}"


def registry_frame(children: QuerySet[Child], on: dt.date) -> pd.DataFrame:
    """One row per child: names, sex, birth date, ID number, village name, and the guardian
    (the current caregiver, else the closest adult relative recorded) with a phone."""
    rows = list(
        children.order_by("pk").values_list(
            "pk", "family_name", "given_name", "sex", "date_of_birth", "national_id",
            "home_village__name",
        )
    )  # fmt: skip
    ids = [r[0] for r in rows]
    guardians: dict[int, tuple[str, str]] = {}
    care = (
        CareArrangement.objects.filter(
            child_id__in=ids, caregiver__isnull=False, started_on__lte=on
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("child_id", "-started_on")
        .values_list(
            "child_id", "caregiver__family_name", "caregiver__given_name", "caregiver__phone"
        )
    )
    for child_id, family, given, phone in care:
        guardians.setdefault(child_id, (_name(family, given), phone))
    rank = {kind: i for i, kind in enumerate(_GUARDIAN_ORDER)}
    relatives: dict[int, tuple[int, str, str]] = {}
    for child_id, kind, family, given, phone, alive in Relationship.objects.filter(
        child_id__in=ids
    ).values_list(
        "child_id", "kind", "adult__family_name", "adult__given_name", "adult__phone",
        "adult__is_alive",
    ):  # fmt: skip
        if not alive or child_id in guardians:
            continue
        candidate = (rank.get(kind, 99), _name(family, given), phone)
        if child_id not in relatives or candidate < relatives[child_id]:
            relatives[child_id] = candidate
    for child_id, (_rank, name, phone) in relatives.items():
        guardians.setdefault(child_id, (name, phone))
    return pd.DataFrame(
        [
            [
                str(pk), family, given, sex, born.isoformat() if born else None,
                national_id or None, village, *guardians.get(pk, (None, None)),
            ]
            for pk, family, given, sex, born, national_id, village in rows
        ],
        columns=COLUMNS,
    )  # fmt: skip


def source_frame(rows: QuerySet[SourceRow]) -> pd.DataFrame:
    """One row per imported row; the record id is the row's database id."""
    values = rows.order_by("pk").values_list(
        "pk", "family_name", "given_name", "sex", "date_of_birth", "id_number", "village",
        "guardian_name", "guardian_phone",
    )  # fmt: skip
    records = []
    for pk, family, given, sex, born, id_number, village, guardian, phone in values:
        text = [family, given, sex, born.isoformat() if born else "", id_number, village,
                guardian, phone]  # fmt: skip
        records.append([str(pk), *(v or None for v in text)])
    return pd.DataFrame(records, columns=COLUMNS)


@dataclass
class Pair:
    row_id: int
    child_id: int
    probability: float
    match_weight: float | None
    evidence: list[list[Any]]
    status: str = ""


@dataclass
class Assignment:
    pairs: list[Pair] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for pair in self.pairs:
            out[pair.status] = out.get(pair.status, 0) + 1
        return out


def pairs_from_matches(matches: pd.DataFrame, fields: Iterable[str]) -> list[Pair]:
    """The engine's scored pairs, with each field's level and weight as evidence."""
    fields = [f for f in fields if f"{f}_level" in matches.columns]
    out = []
    for record in matches.to_dict("records"):
        evidence = []
        for name in fields:
            weight = record.get(f"{name}_weight")
            weight = None if weight is None or pd.isna(weight) else float(weight)
            if weight is not None and abs(weight) == float("inf"):
                weight = 99.0 if weight > 0 else -99.0
            evidence.append([name, str(record[f"{name}_level"]), weight])
        weight = record.get("match_weight")
        out.append(
            Pair(
                row_id=int(record["left_id"]),
                child_id=int(record["right_id"]),
                probability=float(record["match_probability"]),
                match_weight=None if weight is None or pd.isna(weight) else float(weight),
                evidence=evidence,
            )
        )
    return out


def assign(
    pairs: list[Pair],
    *,
    fingerprints: Mapping[int, str],
    decisions: Mapping[tuple[str, int], str],
    children: set[int],
    accept: float,
    one_row_per_child: bool,
) -> Assignment:
    """Give each pair its status.

    A pair a caseworker confirmed is kept (added if the engine did not score it this time, as
    long as the child is still in scope); one rejected is never linked. Then, best first, a pair
    whose row (or, when each child appears once in the list, whose child) is already taken is
    superseded; the rest are accepted at or above `accept` and go to review below it.
    """
    by_key = {(p.row_id, p.child_id): p for p in pairs}
    rows_taken: set[int] = set()
    children_taken: set[int] = set()
    for row_id, fp in fingerprints.items():
        for (decided_fp, child_id), verdict in decisions.items():
            if decided_fp != fp or verdict != Verdict.MATCH or child_id not in children:
                continue
            pair = by_key.get((row_id, child_id))
            if pair is None:
                pair = Pair(row_id, child_id, 0.0, None, [])
                pairs.append(pair)
                by_key[(row_id, child_id)] = pair
            pair.status = PairStatus.CONFIRMED
            rows_taken.add(row_id)
            children_taken.add(child_id)
    ordered = sorted(
        (p for p in pairs if not p.status),
        key=lambda p: (-p.probability, p.row_id, p.child_id),
    )
    for pair in ordered:
        verdict = decisions.get((fingerprints.get(pair.row_id, ""), pair.child_id))
        if verdict == Verdict.NON_MATCH:
            pair.status = PairStatus.REJECTED
        elif pair.row_id in rows_taken or (one_row_per_child and pair.child_id in children_taken):
            pair.status = PairStatus.SUPERSEDED
        else:
            pair.status = PairStatus.ACCEPTED if pair.probability >= accept else PairStatus.REVIEW
            rows_taken.add(pair.row_id)
            children_taken.add(pair.child_id)
    return Assignment(pairs=pairs)


def duplicate_pairs(
    pairs: list[Pair], *, decided: set[tuple[int, int]], accept: float
) -> list[Pair]:
    """The engine's pairs within the registry as (lower id, higher id), each with its status:
    `proposed` at or above `accept`, `review` below it. Pairs a person has decided (different
    children, or merged) are left out: they are never asked again."""
    out: dict[tuple[int, int], Pair] = {}
    for pair in pairs:
        low, high = sorted((pair.row_id, pair.child_id))
        if low == high or (low, high) in decided or (low, high) in out:
            continue
        status = DuplicateStatus.PROPOSED if pair.probability >= accept else DuplicateStatus.REVIEW
        out[(low, high)] = Pair(
            low, high, pair.probability, pair.match_weight, pair.evidence, status
        )
    return sorted(out.values(), key=lambda p: (-p.probability, p.row_id, p.child_id))
