"""The linkage engine: train a Splink model without labels, score candidate pairs, and turn
them into one-to-one links or clusters, each with its probability and per-field evidence.

Pure functions over DataFrames: no Django models, no database. The app calls `link` and
`dedupe` on imported files; `kinlink link` calls them on CSV files.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from django.utils.translation import gettext as _
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from . import model
from .backends import database_api
from .prepare import LinkageInputError, Records, prepare

Progress = Callable[[str], None]

DEFAULT_THRESHOLD = 0.5

# Siblings and twins share a birth date (twins), a household, a guardian and a phone, so those
# fields outvote a different given name in a Fellegi-Sunter sum. Two records of one household
# whose given names differ entirely are two children, unless the ID numbers agree (or differ by
# a typo the check character caught). One-to-one assignment already keeps them apart (each
# record's best partner is its own); without it (deduplication, --many) such pairs are dropped.
NAME_CONFLICT_LEVELS = frozenset({"family_only", "different"})
SAME_HOUSEHOLD_LEVELS = frozenset({"same_phone_and_guardian", "same_phone", "same_guardian"})
ID_AGREEMENT_LEVELS = frozenset({"exact", "typo"})


@dataclass
class LinkOptions:
    """Knobs of a run; the defaults suit a village ledger against a school roster."""

    threshold: float = DEFAULT_THRESHOLD  # match probability at or above which a pair is a link
    one_to_one: bool = True  # both sides are duplicate-free: each record links at most once
    backend: str = "duckdb"  # or "spark"
    seed: int = 20240901
    u_max_pairs: float = 5e5  # random pairs for the u probabilities
    em_max_pairs: float = 5e5  # pairs per EM session at most
    # A blocking rule that would create more than this many pairs per record is dropped (and
    # said so): on unfamiliar data a rule like "same family name and village" can explode.
    max_pairs_per_record: float = 30.0
    max_loose_pairs_per_record: float = 2.0
    deterministic_recall: float = 0.75
    progress: Progress | None = None


@dataclass
class LinkResult:
    """Accepted pairs, best first, with probability and evidence, plus what the run did."""

    matches: pd.DataFrame
    fields: tuple[str, ...]
    model: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per step
    cpu_timings: dict[str, float] = field(default_factory=dict)  # CPU seconds, all threads
    candidate_pairs: int = 0


@dataclass
class DedupeResult:
    clusters: pd.DataFrame  # record_id, cluster_id
    pairs: pd.DataFrame  # left_id, right_id, match_probability, evidence...
    fields: tuple[str, ...]
    model: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cpu_timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    """Wall time per step (and CPU time, which tells a slow step from a busy machine)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.start = time.perf_counter()
        self.last = self.start
        self.last_cpu = time.process_time()
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def step(self, name: str, message: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.timings[name] = round(now - self.last, 3)
        self.cpu[name] = round(cpu - self.last_cpu, 3)
        self.last, self.last_cpu = now, cpu
        if self.progress:
            self.progress(f"[{now - self.start:7.1f}s] {message}")


def link(
    left: Records | pa.Table,
    right: Records | pa.Table,
    options: LinkOptions | None = None,
) -> LinkResult:
    """Link two sources; `matches` has left_id, right_id, match_probability and evidence."""
    options = options or LinkOptions()
    clock = _Clock(options.progress)
    left_frame = _prepared(left)
    right_frame = _prepared(right)
    clock.step("prepare", _("prepared %(l)d and %(r)d records") % {
        "l": left_frame.num_rows, "r": right_frame.num_rows})  # fmt: skip
    run = _train_and_predict([left_frame, right_frame], "link_only", options, clock)
    pairs = run.pairs
    if options.one_to_one:
        pairs = pairs[one_to_one(pairs["left_id"], pairs["right_id"])]
    pairs = pairs.reset_index(drop=True)
    clock.step("assign", _("%(n)d links accepted") % {"n": len(pairs)})
    timings = {**clock.timings, "total": round(time.perf_counter() - clock.start, 3)}
    cpu = {**clock.cpu, "total": round(sum(clock.cpu.values()), 3)}
    return LinkResult(
        matches=pairs,
        fields=run.spec.fields,
        model=run.model,
        notes=run.notes,
        timings=timings,
        cpu_timings=cpu,
        candidate_pairs=run.candidate_pairs,
    )


def dedupe(records: Records | pa.Table, options: LinkOptions | None = None) -> DedupeResult:
    """Find records of the same child within one source and give each group a cluster id."""
    options = options or LinkOptions(one_to_one=False)
    clock = _Clock(options.progress)
    frame = _prepared(records)
    clock.step("prepare", _("prepared %(n)d records") % {"n": frame.num_rows})
    run = _train_and_predict([frame], "dedupe_only", options, clock)
    clusters = connected_components(
        frame.column("unique_id").to_pandas(), run.pairs["left_id"], run.pairs["right_id"]
    )
    clock.step("cluster", _("%(n)d clusters") % {"n": clusters["cluster_id"].nunique()})
    timings = {**clock.timings, "total": round(time.perf_counter() - clock.start, 3)}
    cpu = {**clock.cpu, "total": round(sum(clock.cpu.values()), 3)}
    return DedupeResult(
        clusters=clusters,
        pairs=run.pairs.reset_index(drop=True),
        fields=run.spec.fields,
        model=run.model,
        notes=run.notes,
        timings=timings,
        cpu_timings=cpu,
    )


def _prepared(source: Records | pa.Table) -> pa.Table:
    return prepare(source) if isinstance(source, Records) else source


@dataclass
class _Run:
    spec: model.ModelSpec
    pairs: pd.DataFrame
    model: dict[str, Any]
    notes: list[str]
    candidate_pairs: int


def _train_and_predict(
    frames: list[pa.Table], link_type: str, options: LinkOptions, clock: _Clock
) -> _Run:
    fields = model.fields_present(frames)
    notes: list[str] = []
    if "name" not in fields and "id_number" not in fields:
        raise LinkageInputError(
            _("The files share neither names nor ID numbers, so there is nothing to link on.")
        )
    if len(fields) < 2:
        raise LinkageInputError(
            _("The files share only one usable field (%(field)s); linking needs at least two.")
            % {"field": ", ".join(fields)}
        )
    spec = model.ModelSpec(fields=fields, link_type=link_type)
    db_api = database_api(options.backend)
    names = ["left", "right"] if link_type == "link_only" else ["records"]
    tables = [
        db_api.register(table, dataset_display_name=name, table_name=f"kinlink_{name}_input")
        for table, name in zip(frames, names, strict=True)
    ]
    settings = model.settings(spec)
    rules = _rules_within_budget(frames, spec, options, notes)
    if not rules:
        raise LinkageInputError(_("No way to find candidate pairs fits these files."))
    settings.blocking_rules_to_generate_predictions = [rule.splink() for rule in rules]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.ERROR)
    clock.step("blocking", _("comparing on: %(fields)s") % {"fields": ", ".join(fields)})

    sizes = [frame.num_rows for frame in frames]
    n_pairs = sizes[0] * sizes[1] if link_type == "link_only" else sizes[0] * (sizes[0] - 1) / 2
    deterministic = model.deterministic_rules(spec)
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(
            deterministic, recall=options.deterministic_recall
        )
        # No pair at all agrees on the deterministic rules (a clean registry): a prior of
        # zero would make every weight infinite. Take it as one match among all pairs.
        floor = min(0.5, 1 / max(n_pairs, 1))
        if not linker._settings_obj._probability_two_random_records_match > 0:
            linker._settings_obj._probability_two_random_records_match = floor
    else:
        linker._settings_obj._probability_two_random_records_match = min(
            0.5, max(sizes) / max(n_pairs, 1)
        )
    clock.step("lambda", _("estimated how common matches are"))
    # One pass over a fixed sample: Splink's early stopping would make several passes, as
    # levels such as "swapped names" never reach its minimum count among random pairs.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(options.u_max_pairs, max(n_pairs, 1)),
        seed=options.seed,
        min_count_per_level=None,
        num_chunks=1,
    )
    clock.step("u", _("estimated how often unrelated records agree"))
    for rule in model.training_blocking_rules(spec):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=options.em_max_pairs
            )
        except EMTrainingException:
            # A small or clean source (a township's registry with no one registered twice)
            # may have no pair at all in a training block: keep the prior m values for the
            # fields that block would have estimated, rather than fail the whole run.
            notes.append(_("Too few similar records to learn from on one training block."))
    clock.step("em", _("estimated how often records of the same child agree (EM)"))

    predictions = linker.inference.predict(threshold_match_probability=options.threshold)
    # Only ids, scores and levels leave the database: the matching columns of half a million
    # pairs would cost gigabytes as Python objects.
    wanted = [
        "unique_id_l", "unique_id_r", "source_dataset_l", "source_dataset_r", "match_weight",
        "match_probability",
        *(f"{p}_{c.output_column_name}" for c in linker._settings_obj.comparisons
          for p in ("gamma", "mw")),
    ]  # fmt: skip
    columns = ", ".join(
        c for c in wanted if c in {col.unquote().name for col in predictions.columns}
    )
    scored = linker.misc.query_sql(
        f"SELECT {columns} FROM {predictions.physical_name}",  # noqa: S608 - names from Splink
        output_type="pandas",
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    pairs = _with_evidence(scored, linker, link_type)
    if link_type == "dedupe_only" or not options.one_to_one:
        pairs = _without_siblings(pairs)
    clock.step("predict", _("%(n)d pairs at or above the threshold") % {"n": len(pairs)})
    trained = linker.misc.save_model_to_json()
    linker.table_management.delete_tables_created_by_splink_from_db()
    return _Run(spec=spec, pairs=pairs, model=trained, notes=notes, candidate_pairs=len(scored))


def _rules_within_budget(
    frames: Sequence[pa.Table],
    spec: model.ModelSpec,
    options: LinkOptions,
    notes: list[str],
) -> list[model.Block]:
    """The blocking rules whose pairs fit the budget, counted before running.

    The selective rules get a generous budget (it only trips on odd data, such as a file whose
    villages are all the same); the loose ones get a tight budget, so they help a township's
    files and stay out of a province's.
    """
    total_records = sum(f.num_rows for f in frames)
    budgets = [
        (list(model.prediction_blocking_rules(spec)), options.max_pairs_per_record),
        (list(model.loose_blocking_rules(spec)), options.max_loose_pairs_per_record),
    ]
    counts = count_pairs(frames, [rule for rules, _budget in budgets for rule in rules])
    kept = []
    for rules, per_record in budgets:
        budget = max(100_000, per_record * total_records)
        for rule in rules:
            if counts[rule] > budget:
                notes.append(
                    _("Skipped the blocking rule %(rule)s: it would compare %(pairs)s pairs.")
                    % {"rule": str(rule), "pairs": f"{counts[rule]:,}"}
                )
                continue
            kept.append(rule)
    return kept


def count_pairs(frames: Sequence[pa.Table], rules: Sequence[model.Block]) -> dict[model.Block, int]:
    """How many pairs each blocking rule makes (before removing pairs of earlier rules).

    Counted from the sizes of its blocks on each side, in a throwaway DuckDB, whatever the
    backend: a few group-bys, where joining would cost as much as linking. Over 200,000 rows
    a side, every k-th row is counted and the total scaled up: exact enough to tell a rule of
    a few pairs per record from one of thousands.
    """
    import duckdb

    step = max(1, math.ceil(max(f.num_rows for f in frames) / 200_000))
    needed = sorted({column for rule in rules for pair in rule.pairs for column in pair})
    sampled = [
        (f.select(needed).take(np.arange(0, f.num_rows, step)) if step > 1 else f.select(needed))
        for f in frames
    ]
    con = duckdb.connect()
    counts = {}
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("left_side", sampled[0])
        con.register("right_side", sampled[-1])
        for rule in rules:
            keys_l = [a for a, _b in rule.pairs]
            keys_r = [b for _a, b in rule.pairs]
            cols_l = ", ".join(f'"{k}" AS k{i}' for i, k in enumerate(keys_l))
            cols_r = ", ".join(f'"{k}" AS k{i}' for i, k in enumerate(keys_r))
            on = " AND ".join(f"a.k{i} = b.k{i}" for i in range(len(keys_l)))
            sql = f"""
                WITH a AS (SELECT {cols_l}, count(*) AS n FROM left_side
                           WHERE {" AND ".join(f'"{k}" IS NOT NULL' for k in keys_l)}
                           GROUP BY ALL),
                     b AS (SELECT {cols_r}, count(*) AS n FROM right_side
                           WHERE {" AND ".join(f'"{k}" IS NOT NULL' for k in keys_r)}
                           GROUP BY ALL)
                SELECT coalesce(sum(a.n * b.n), 0) FROM a JOIN b ON {on}
            """  # noqa: S608 - column names come from the model, not from input
            total = int(con.execute(sql).fetchall()[0][0]) * step * step
            # Deduplication compares each pair once and never a record with itself.
            counts[rule] = total if len(frames) > 1 else total // 2
    finally:
        con.close()
    return counts


def _with_evidence(scored: pd.DataFrame, linker: Linker, link_type: str) -> pd.DataFrame:
    """Keep ids, probability and weight, and spell out each field's level and weight."""
    if link_type == "link_only" and len(scored):
        flipped = scored["source_dataset_l"] == "right"
        if flipped.any():
            scored = scored.copy()
            for column in ("unique_id", "source_dataset"):
                left, right = scored[f"{column}_l"].copy(), scored[f"{column}_r"].copy()
                scored.loc[flipped, f"{column}_l"] = right[flipped]
                scored.loc[flipped, f"{column}_r"] = left[flipped]
    out = pd.DataFrame(
        {
            "left_id": scored["unique_id_l"].astype(str),
            "right_id": scored["unique_id_r"].astype(str),
            "match_probability": scored["match_probability"].astype(float),
            "match_weight": scored["match_weight"].astype(float),
        }
    )
    evidence_parts = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        labels = {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
        level = scored[f"gamma_{name}"].astype(int).map(labels).fillna("?")
        with np.errstate(divide="ignore"):
            weight = np.round(scored[f"mw_{name}"].astype(float).to_numpy(), 2)
        out[f"{name}_level"] = level.to_numpy()
        out[f"{name}_weight"] = weight
        evidence_parts.append(
            name
            + "="
            + level
            + "("
            + pd.Series(weight, index=scored.index).map("{:+.1f}".format)
            + ")"
        )
    if evidence_parts:
        evidence = evidence_parts[0]
        for part in evidence_parts[1:]:
            evidence = evidence + "; " + part
        out["evidence"] = evidence.to_numpy()
    out = out.sort_values(
        ["match_probability", "match_weight", "left_id", "right_id"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return out.reset_index(drop=True)


def _without_siblings(pairs: pd.DataFrame) -> pd.DataFrame:
    if "name_level" not in pairs or "household_level" not in pairs:
        return pairs
    conflict = pairs["name_level"].isin(NAME_CONFLICT_LEVELS)
    conflict &= pairs["household_level"].isin(SAME_HOUSEHOLD_LEVELS)
    if "id_number_level" in pairs:
        conflict &= ~pairs["id_number_level"].isin(ID_AGREEMENT_LEVELS)
    return pairs[~conflict.to_numpy()].reset_index(drop=True)


def one_to_one(left_ids: pd.Series, right_ids: pd.Series) -> np.ndarray:
    """Keep pairs best first (in the order given), skipping any whose record is already taken.

    Used when both sides are duplicate-free (a ledger and one school's roster): a child left
    in the ledger whose twin is enrolled does not inherit the twin's roster record.
    """
    left_codes, _u = pd.factorize(left_ids)
    right_codes, _v = pd.factorize(right_ids)
    left_taken = np.zeros(left_codes.max() + 1 if len(left_codes) else 0, dtype=bool)
    right_taken = np.zeros(right_codes.max() + 1 if len(right_codes) else 0, dtype=bool)
    keep = np.zeros(len(left_codes), dtype=bool)
    for i, (lc, rc) in enumerate(zip(left_codes.tolist(), right_codes.tolist(), strict=True)):
        if left_taken[lc] or right_taken[rc]:
            continue
        left_taken[lc] = right_taken[rc] = keep[i] = True
    return keep


def connected_components(
    record_ids: pd.Series, left_ids: pd.Series, right_ids: pd.Series
) -> pd.DataFrame:
    """Group records joined by accepted pairs; a cluster is named by its smallest record id."""
    ids = pd.Index(record_ids.astype(str))
    parent = np.arange(len(ids))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    left_pos = ids.get_indexer(left_ids.astype(str))
    right_pos = ids.get_indexer(right_ids.astype(str))
    for a, b in zip(left_pos.tolist(), right_pos.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([root(i) for i in range(len(ids))])
    frame = pd.DataFrame({"record_id": ids, "root": roots})
    names = frame.groupby("root")["record_id"].transform("min")
    return pd.DataFrame({"record_id": frame["record_id"], "cluster_id": names})


def unlinked_of_age(
    prepared: pa.Table | pd.DataFrame,
    linked_ids: Sequence[str] | pd.Series,
    *,
    on: dt.date,
    min_age: int = 6,
    max_age: int = 15,
    include_unknown_age: bool = False,
) -> pd.Series:
    """Record ids of children aged min_age..max_age on `on` with no link (e.g. not enrolled).

    A child with no readable birth date (nor valid ID number) is left out unless
    `include_unknown_age`: the app lists them apart, for a caseworker to check their age.
    """
    if isinstance(prepared, pa.Table):
        prepared = prepared.select(["unique_id", "dob_y", "dob_m", "dob_d"]).to_pandas()
    years, months, days = (
        pd.to_numeric(prepared[c], errors="coerce").astype(float).to_numpy()
        for c in ("dob_y", "dob_m", "dob_d")
    )
    had_birthday = (months < on.month) | ((months == on.month) & (days <= on.day))
    age = on.year - years - np.where(had_birthday, 0, 1)
    of_age = (age >= min_age) & (age <= max_age)
    if include_unknown_age:
        of_age |= np.isnan(years)
    unlinked = ~prepared["unique_id"].isin(set(map(str, linked_ids))).to_numpy()
    return prepared.loc[of_age & unlinked, "unique_id"].reset_index(drop=True)


def pairwise_scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict:
    """Precision, recall and F1 of a set of pairs against the true pairs."""
    true_positive = len(predicted & truth)
    precision = true_positive / len(predicted) if predicted else (1.0 if not truth else 0.0)
    recall = true_positive / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_positives": true_positive,
        "predicted": len(predicted),
        "true": len(truth),
    }
