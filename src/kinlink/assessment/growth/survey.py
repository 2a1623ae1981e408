"""Survey prevalence of stunting, wasting and underweight among under-fives, with 95% Wilson
confidence intervals, by sex and age group (unweighted, as a simple random sample)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kinlink.assessment.growth.tables import Sex
from kinlink.assessment.growth.zscores import UNDER_FIVE_MONTHS, GrowthResult

# Completed months, lower bound inclusive, upper exclusive (WHO Anthro's groups).
AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("0-5", 0, 6),
    ("6-11", 6, 12),
    ("12-23", 12, 24),
    ("24-35", 24, 36),
    ("36-47", 36, 48),
    ("48-59", 48, 60),
)

# Each indicator is a flag of GrowthResult. The calculator already leaves a flag None when the
# z-score it rests on is implausible, and sets wasting and severe wasting for oedema, so
# counting the flags applies WHO's exclusions and the oedema rule.
INDICATORS: dict[str, Promise] = {
    "stunting": _("Stunting (height-for-age < -2 SD)"),
    "severe_stunting": _("Severe stunting (height-for-age < -3 SD)"),
    "wasting": _("Wasting (weight-for-length/height < -2 SD or oedema)"),
    "severe_wasting": _("Severe wasting (weight-for-length/height < -3 SD or oedema)"),
    "underweight": _("Underweight (weight-for-age < -2 SD)"),
    "severe_underweight": _("Severe underweight (weight-for-age < -3 SD)"),
}

# Whole phrases, so that translators can reorder them.
GROUP_LABELS: dict[tuple[Sex | None, bool], Promise] = {
    (None, False): _("All, 0-59 months"),
    ("M", False): _("Boys, 0-59 months"),
    ("F", False): _("Girls, 0-59 months"),
    (None, True): _("All, %(group)s months"),
    ("M", True): _("Boys, %(group)s months"),
    ("F", True): _("Girls, %(group)s months"),
}


def wilson_interval(cases: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Return Wilson's score interval for a proportion `cases`/`n` (no continuity correction).

    Unlike the textbook p +/- z*SE it stays inside [0, 1] and behaves at 0 or n cases,
    which matters for small subgroups and rare severe forms.
    """
    if n <= 0 or not 0 <= cases <= n:
        raise ValueError("need 0 <= cases <= n and n > 0")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = cases / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Cases among the children with a usable value for the indicator."""

    cases: int
    n: int

    @property
    def proportion(self) -> float | None:
        return self.cases / self.n if self.n else None

    @property
    def ci95(self) -> tuple[float, float] | None:
        return wilson_interval(self.cases, self.n) if self.n else None


@dataclass(frozen=True, slots=True)
class GroupPrevalence:
    """One row of the table: a sex (None = both), an age group (None = 0-59 months)."""

    sex: Sex | None
    age_group: str | None
    children: int
    estimates: dict[str, Estimate]

    @property
    def label(self) -> str:
        label = str(GROUP_LABELS[(self.sex, self.age_group is not None)])
        return label % {"group": self.age_group} if self.age_group is not None else label


@dataclass(frozen=True, slots=True)
class PrevalenceTable:
    groups: list[GroupPrevalence]
    over_five_left_out: int


def age_group(months: float) -> str | None:
    """Return the age group label for an age in (unrounded) months, None from 60 months."""
    for label, low, high in AGE_GROUPS:
        if low <= months < high:
            return label
    return None


def prevalence(results: Iterable[GrowthResult]) -> PrevalenceTable:
    """Tabulate prevalence for all under-fives, by sex, by age group and by both."""
    everyone = list(results)
    children = [r for r in everyone if r.age_months < UNDER_FIVE_MONTHS]
    keys: list[tuple[Sex | None, str | None]] = [(None, None), ("M", None), ("F", None)]
    keys += [(None, label) for label, _low, _high in AGE_GROUPS]
    keys += [(sex, label) for sex in ("M", "F") for label, _low, _high in AGE_GROUPS]
    groups = []
    for sex, group in keys:
        members = [
            r
            for r in children
            if (sex is None or r.sex == sex) and (group is None or age_group(r.age_months) == group)
        ]
        groups.append(
            GroupPrevalence(
                sex=sex,
                age_group=group,
                children=len(members),
                estimates={name: _estimate(members, name) for name in INDICATORS},
            )
        )
    return PrevalenceTable(groups=groups, over_five_left_out=len(everyone) - len(children))


def _estimate(members: list[GrowthResult], indicator: str) -> Estimate:
    flags = [getattr(r, indicator) for r in members]
    usable = [flag for flag in flags if flag is not None]
    return Estimate(cases=sum(usable), n=len(usable))


def render_text(table: PrevalenceTable) -> str:
    """Lay the table out as plain text, one block per indicator."""
    width = max(len(g.label) for g in table.groups)
    lines: list[str] = []
    for name, title in INDICATORS.items():
        lines += [str(title), _columns(width)]
        for g in table.groups:
            e = g.estimates[name]
            if e.n == 0:
                lines.append(f"{g.label:<{width}}  {0:>6}  {0:>6}  {'-':>6}  -")
                continue
            low, high = e.ci95 or (0.0, 0.0)
            lines.append(
                f"{g.label:<{width}}  {e.n:>6}  {e.cases:>6}  {100 * (e.proportion or 0):>6.1f}"
                f"  {100 * low:.1f}-{100 * high:.1f}"
            )
        lines.append("")
    lines.append(
        str(
            _(
                "Unweighted; implausible z-scores left out of the indicator they concern; "
                "oedema counted as severe wasting. Children aged 60 months or more left out: "
                "%(count)d."
            )
            % {"count": table.over_five_left_out}
        )
    )
    return "\n".join(lines) + "\n"


def _columns(width: int) -> str:
    return f"{'':<{width}}  {_('n')!s:>6}  {_('cases')!s:>6}  {'%':>6}  {_('95% CI (%)')!s}"
