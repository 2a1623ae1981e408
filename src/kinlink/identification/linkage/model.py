"""The linkage model as Python code: which fields are compared, at which levels, and how
candidate pairs are found (blocking). Rendered by Splink for DuckDB or Spark alike.

Why the model looks the way it does (children's records, not adults'):
- Siblings share family name, guardian, phone and village, and twins share the birth date, so
  the household is ONE comparison (guardian name and phone together), counted once.
- Birth dates "more than a year apart" get a small fixed m probability: EM sees many sibling
  pairs and would otherwise learn that true matches often differ by years.
- Every way a child's name legitimately varies between a village ledger and a school roster is
  its own level (homophone characters, 小 nicknames, a dropped second character, pinyin or
  Cyrillic spellings, swapped family and given names), so "family name agrees but the given
  name is different" - the sibling pattern - is left to carry strong evidence against.
- Every blocking rule carries a place, a birth date or an ID, so the work stays linear.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
from django.utils.translation import gettext_lazy as _
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.comparison_library import CustomComparison

# The fields a model can compare, and the prepared columns each needs.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("giv_py",),  # family name alone cannot tell children apart
    "dob": ("dob_str",),
    "sex": ("sex",),
    "id_number": ("id_clean",),
    "village": ("vil_key",),
    "household": ("phone", "gname_py"),
    "address": ("addr",),
    "postcode": ("postcode",),
}

# m for "birth dates more than a year apart": fixed, not trained, because the pairs EM would
# learn it from are mostly siblings.
M_BIRTH_DATES_FAR_APART = 0.005

# m for "two ID numbers that both pass the check character, and differ": fixed for the same
# reason (twins have consecutive numbers). MOD 11-2 catches every single-digit error and every
# transposition, so such a pair is one child only when a clerk copied a sibling's number.
M_VALID_IDS_DIFFER = 0.002

# m for "same family name, different given name", fixed for the same reason: the pairs EM
# would learn it from include twins (same day, same household, different given names).
M_GIVEN_NAME_CHANGED = 0.01

# Splink reads these conditions in DuckDB's dialect and translates them for other backends.
_DIALECT = "duckdb"


def _level(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str=_DIALECT)


def _null(sql: str) -> cll.CustomLevel:
    return _level(sql, "null").configure(is_null_level=True)


def _eq(*columns: str) -> str:
    return " AND ".join(f"{c}_l = {c}_r" for c in columns)


_NAME_FREQUENCY = {"tf_adjustment_column": "full_py", "disable_tf_exact_match_detection": True}


def name_comparison() -> CustomComparison:
    nickname = (
        "(giv_nick_l = giv_nick_r"
        " OR (giv_xiao_l = 1 AND giv_nick_l = giv_last_r)"
        " OR (giv_xiao_r = 1 AND giv_nick_r = giv_last_l))"
    )
    return CustomComparison(
        output_column_name="name",
        comparison_levels=[
            _null("giv_py_l IS NULL OR giv_py_r IS NULL"),
            # Term frequencies: two records of 王子涵 say less than two of 覃婕珂.
            _level(_eq("fam_raw", "giv_raw"), "exact").configure(**_NAME_FREQUENCY),
            _level(_eq("fam_py", "giv_py"), "same_sound").configure(**_NAME_FREQUENCY),
            _level("fam_py_l = giv_py_r AND giv_py_l = fam_py_r", "swapped"),
            _level(_eq("fam_sk", "giv_sk"), "sounds_alike"),
            _level(f"{_eq('fam_sk')} AND {nickname}", "nickname"),
            _level(
                f"{_eq('fam_sk', 'giv_first')} AND (giv_nsyl_l = 1 OR giv_nsyl_r = 1)",
                "shortened",
            ),
            cll.And(
                cll.JaroWinklerLevel("fam_raw", 0.92), cll.JaroWinklerLevel("giv_raw", 0.92)
            ).configure(label_for_charts="typo"),
            # Fixed like far-apart birth dates: EM meets twins and siblings here and would learn
            # that a child's given name often changes between two lists; it rarely does.
            _level(_eq("fam_sk"), "family_only").configure(
                m_probability=M_GIVEN_NAME_CHANGED, fix_m_probability=True
            ),
            _level(_eq("giv_sk"), "given_only"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def dob_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            _null("dob_str_l IS NULL OR dob_str_r IS NULL"),
            _level(_eq("dob_str"), "exact"),
            _level("dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r", "day_month"),
            _level(f"{_eq('dob_m', 'dob_d')} AND abs(dob_y_l - dob_y_r) = 1", "year_slip"),
            cll.DamerauLevenshteinLevel("dob_str", 1).configure(label_for_charts="one_digit"),
            _level("abs(dob_days_l - dob_days_r) <= 14", "within_2_weeks"),
            # A lunar-calendar date written as if it were solar is 20 to 50 days early.
            _level("abs(dob_days_l - dob_days_r) BETWEEN 15 AND 55", "lunar"),
            _level("abs(dob_days_l - dob_days_r) <= 366", "within_year"),
            cll.ElseLevel().configure(
                label_for_charts="far_apart",
                m_probability=M_BIRTH_DATES_FAR_APART,
                fix_m_probability=True,
            ),
        ],
    )


def sex_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            _null("sex_l IS NULL OR sex_r IS NULL"),
            _level(_eq("sex"), "same"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def id_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            _null("id_clean_l IS NULL OR id_clean_r IS NULL"),
            _level(_eq("id_clean"), "exact"),
            # A check character that fails means a mistyped number: a near miss is the same
            # number. Two numbers that both pass cannot be one typo apart (MOD 11-2 catches
            # every single-digit error and transposition), so they are two people.
            cll.And(
                _level("id_ok_l = 0 OR id_ok_r = 0", "unchecked"),
                cll.DamerauLevenshteinLevel("id_clean", 2),
            ).configure(label_for_charts="typo"),
            _level("id_ok_l = 1 AND id_ok_r = 1", "both_valid_different").configure(
                m_probability=M_VALID_IDS_DIFFER, fix_m_probability=True
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def village_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="village",
        comparison_levels=[
            _null("vil_key_l IS NULL OR vil_key_r IS NULL"),
            _level(_eq("vil_key"), "same"),
            cll.JaroWinklerLevel("vil_raw", 0.88).configure(label_for_charts="similar"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def household_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="household",
        comparison_levels=[
            _null(
                "(phone_l IS NULL AND gname_py_l IS NULL) "
                "OR (phone_r IS NULL AND gname_py_r IS NULL)"
            ),
            _level(_eq("phone", "gname_py"), "same_phone_and_guardian"),
            _level(_eq("phone"), "same_phone"),
            _level(_eq("gname_py"), "same_guardian"),
            cll.DamerauLevenshteinLevel("phone", 1).configure(label_for_charts="phone_typo"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def address_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="address",
        comparison_levels=[
            _null("addr_l IS NULL OR addr_r IS NULL"),
            _level(_eq("addr"), "same"),
            cll.JaroWinklerLevel("addr", 0.9).configure(label_for_charts="similar"),
            cll.JaroWinklerLevel("addr", 0.7).configure(label_for_charts="alike"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def postcode_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            _null("postcode_l IS NULL OR postcode_r IS NULL"),
            _level(_eq("postcode"), "same"),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(label_for_charts="typo"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


_COMPARISONS = {
    "name": name_comparison,
    "dob": dob_comparison,
    "sex": sex_comparison,
    "id_number": id_comparison,
    "village": village_comparison,
    "household": household_comparison,
    "address": address_comparison,
    "postcode": postcode_comparison,
}

# What each level means, for the evidence a caseworker reads.
LEVEL_DESCRIPTIONS = {
    ("name", "exact"): _("same name"),
    ("name", "same_sound"): _("same name in pinyin (homophone characters or another script)"),
    ("name", "swapped"): _("family and given name swapped"),
    ("name", "sounds_alike"): _("names sound alike (transliteration variant)"),
    ("name", "nickname"): _("nickname with 小 or a doubled character"),
    ("name", "shortened"): _("given name missing its second character"),
    ("name", "typo"): _("names differ by a typing error"),
    ("name", "family_only"): _("same family name, different given name"),
    ("name", "given_only"): _("same given name, different family name"),
    ("name", "different"): _("different names"),
    ("dob", "exact"): _("same birth date"),
    ("dob", "day_month"): _("day and month swapped"),
    ("dob", "year_slip"): _("birth year differs by one"),
    ("dob", "one_digit"): _("birth dates differ in one digit"),
    ("dob", "within_2_weeks"): _("birth dates within two weeks"),
    ("dob", "lunar"): _("birth dates 15 to 55 days apart (lunar calendar?)"),
    ("dob", "within_year"): _("birth dates within a year"),
    ("dob", "far_apart"): _("birth dates more than a year apart"),
    ("sex", "same"): _("same sex"),
    ("sex", "different"): _("different sex"),
    ("id_number", "exact"): _("same ID number"),
    ("id_number", "typo"): _("ID numbers differ by a typing error"),
    ("id_number", "both_valid_different"): _("two different valid ID numbers"),
    ("id_number", "different"): _("different ID numbers"),
    ("village", "same"): _("same village"),
    ("village", "similar"): _("similar village name"),
    ("village", "different"): _("different village"),
    ("household", "same_phone_and_guardian"): _("same guardian and phone"),
    ("household", "same_phone"): _("same guardian phone"),
    ("household", "same_guardian"): _("same guardian name"),
    ("household", "phone_typo"): _("guardian phones differ in one digit"),
    ("household", "different"): _("different guardian and phone"),
    ("address", "same"): _("same address"),
    ("address", "similar"): _("similar address"),
    ("address", "alike"): _("somewhat similar address"),
    ("address", "different"): _("different address"),
    ("postcode", "same"): _("same postcode"),
    ("postcode", "typo"): _("postcodes differ in one digit"),
    ("postcode", "different"): _("different postcode"),
}


@dataclass(frozen=True)
class ModelSpec:
    """Which fields the data can support, and whether it is a link or a deduplication."""

    fields: tuple[str, ...]
    link_type: str  # "link_only" or "dedupe_only"

    def has(self, *fields: str) -> bool:
        return all(f in self.fields for f in fields)


def fields_present(tables: Sequence[pa.Table], minimum_share: float = 0.01) -> tuple[str, ...]:
    """The fields filled in for at least `minimum_share` of the rows of every table."""
    present = []
    for name, columns in FIELD_COLUMNS.items():
        shares = []
        for table in tables:
            filled = pc.is_valid(table.column(columns[0]))
            for column in columns[1:]:
                filled = pc.or_(filled, pc.is_valid(table.column(column)))
            shares.append(pc.sum(filled).as_py() / table.num_rows if table.num_rows else 0.0)
        if all(share >= minimum_share for share in shares):
            present.append(name)
    return tuple(present)


def settings(spec: ModelSpec) -> SettingsCreator:
    """The Splink settings for a model over the fields in `spec`, before training."""
    return SettingsCreator(
        link_type=spec.link_type,
        comparisons=[_COMPARISONS[f]() for f in spec.fields if f in _COMPARISONS],
        blocking_rules_to_generate_predictions=[
            rule.splink()
            for rule in (*prediction_blocking_rules(spec), *loose_blocking_rules(spec))
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,  # needed for the gamma (level) columns of the evidence
        unique_id_column_name="unique_id",
        max_iterations=20,
    )


@dataclass(frozen=True)
class Block:
    """A blocking rule as equalities between left and right columns (l.a = r.b AND ...).

    Kept this plain so that the engine can count its pairs exactly before running it, and
    Splink can render it for any backend.
    """

    left: tuple[str, ...]
    right: tuple[str, ...] = ()

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(zip(self.left, self.right or self.left, strict=True))

    def splink(self) -> Any:
        if not self.right or self.right == self.left:
            return block_on(*self.left)
        sql = " AND ".join(f"l.{a} = r.{b}" for a, b in self.pairs)
        return CustomRule(sql, _DIALECT)

    def __str__(self) -> str:
        return " AND ".join(a if a == b else f"{a}~{b}" for a, b in self.pairs)


def prediction_blocking_rules(spec: ModelSpec) -> Iterable[Block]:
    """Candidate pairs, most selective first; each rule is tied to a place, a birth date, an ID
    or a household, so the pairs grow with the records, not with their square."""
    if spec.has("id_number"):
        yield Block(("id_clean",))
    if spec.has("name", "village"):
        yield Block(("name_key", "vil_key"))
    if spec.has("dob", "village"):
        yield Block(("dob_str", "vil_key"))
    if spec.has("name", "dob"):
        yield Block(("name_key", "dob_str"))
    if spec.has("name", "household"):
        yield Block(("name_key", "phone"))
    if spec.has("household", "dob"):
        yield Block(("phone", "dob_y"))
    if spec.has("name", "village"):
        # A nickname or a shortened name (小军 or 军 for 豪军, 建 for 建国) in the same village.
        for part in ("giv_first", "giv_last"):
            yield Block(("fam_sk", "vil_key", "giv_alias"), ("fam_sk", "vil_key", part))
            yield Block(("fam_sk", "vil_key", part), ("fam_sk", "vil_key", "giv_alias"))
    if spec.has("postcode", "name"):
        yield Block(("postcode", "fam_sk"))
        yield Block(("postcode", "giv_sk"))
    if spec.has("address", "name"):
        yield Block(("addr", "giv_first"))


def loose_blocking_rules(spec: ModelSpec) -> Iterable[Block]:
    """Rules tied only to a birth year or date: they find children whose village is missing or
    changed, but their pairs grow with the square of a region's size, so the engine drops
    any that would exceed its budget (they fit a township, not a province)."""
    if spec.has("name", "dob"):
        yield Block(("name_key", "dob_y"))
        yield Block(("dob_str", "fam_sk"))


def training_blocking_rules(spec: ModelSpec) -> list:
    """Blocks for EM: each estimates the fields it does not block on.

    The name is estimated on pairs born the same day in the same place, which holds few
    siblings (only twins); the other fields on pairs with the same name, which holds none.
    """
    rules = []
    if spec.has("dob", "village"):
        rules.append(block_on("dob_str", "vil_key"))
    elif spec.has("dob"):
        rules.append(block_on("dob_str"))
    elif spec.has("id_number"):
        rules.append(block_on("id_clean"))
    if spec.has("name"):
        rules.append(block_on("fam_py", "giv_py"))
    return rules


def deterministic_rules(spec: ModelSpec) -> list:
    """Rules that admit almost no false pairs, for estimating how common matches are."""
    rules: list = []
    if spec.has("id_number"):
        rules.append(CustomRule("l.id_clean = r.id_clean AND l.id_ok = 1", _DIALECT))
    if spec.has("name", "dob"):
        rules.append(block_on("fam_py", "giv_py", "dob_str"))
    elif spec.has("name", "village"):
        rules.append(block_on("fam_py", "giv_py", "vil_key"))
    return rules


def describe_level(comparison: str, label: str) -> str:
    """A caseworker's words for a comparison level, falling back to its code."""
    return str(LEVEL_DESCRIPTIONS.get((comparison, label), label))
