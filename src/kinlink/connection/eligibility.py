"""The social-assistance eligibility engine: a household's facts against a programme's rules.

Pure: it takes the facts (`HouseholdFacts`, built by `selectors.household_facts`) and a
`Programme` (from `rules`), and returns the decision with the calculation in words. The months
tested are the 12 complete months before the month of `on`; the decision is the last of them.

- Single-month rule: the month's remittances plus other income, per person, against the
  threshold. With a penalty, a failed month keeps the household out for that many months more
  (the Kosovo pattern: domain.md §2).
- Smoothed rule: remittances averaged over the programme's window (months without one count
  as zero) plus other income, per person.
- "At risk of exclusion": eligible under the programme's rule, but a single-month rule would
  have dropped the household in at least one of the 12 months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kinlink.connection.currency import CENT
from kinlink.connection.measures import add_months, mean, months_before, series
from kinlink.connection.rules import Criterion, Effect, Measure, Programme
from kinlink.core.amounts import money

MONTHS_TESTED = 12


class Status(models.TextChoices):
    ELIGIBLE = "eligible", gettext_lazy("Eligible")
    AT_RISK = "at_risk", gettext_lazy("At risk of exclusion")
    NOT_ELIGIBLE = "not_eligible", gettext_lazy("Not eligible")


@dataclass(frozen=True)
class MeansRecord:
    applies_from: dt.date
    other_income: Decimal
    assets: Decimal | None


@dataclass(frozen=True)
class HouseholdFacts:
    """What the means test needs, in the home currency, as of the day evaluated."""

    household_id: int
    children: int  # children registered in the household
    adults_at_home: int  # living adults of the household not away on the day
    members_away: int  # living adults of the household away on the day
    criteria: frozenset[str]  # categorical criteria met (rules.Criterion)
    remittances: Mapping[dt.date, Decimal]  # home-currency totals by first day of month
    means: Sequence[MeansRecord] = ()

    def means_for(self, month: dt.date) -> MeansRecord | None:
        """The declaration that applies to a month: the latest made to apply from it or before."""
        applying = [m for m in self.means if m.applies_from.replace(day=1) <= month]
        return max(applying, key=lambda m: m.applies_from, default=None)


@dataclass(frozen=True)
class MonthTest:
    month: dt.date
    remittance: Decimal  # received in the month
    remittance_smoothed: Decimal  # averaged over the smoothing window ending with the month
    other_income: Decimal
    per_person_single: Decimal
    per_person_smoothed: Decimal
    passes_single: bool
    passes_smoothed: bool


@dataclass
class Eligibility:
    programme: Programme
    measure: str
    status: Status
    members: int
    threshold: Decimal  # after any uplift
    months: list[MonthTest]
    explanation: list[str] = field(default_factory=list)

    @property
    def latest(self) -> MonthTest:
        return self.months[-1]

    @property
    def single_month_failures(self) -> list[dt.date]:
        return [m.month for m in self.months if not m.passes_single]

    @property
    def smoothed_failures(self) -> list[dt.date]:
        return [m.month for m in self.months if not m.passes_smoothed]


def month_name(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def month_list(months: Sequence[dt.date]) -> str:
    return ", ".join(month_name(m) for m in months)


def _per_person(amount: Decimal, members: int) -> Decimal:
    return (amount / members).quantize(CENT, ROUND_HALF_UP)


def evaluate(
    programme: Programme, facts: HouseholdFacts, *, on: dt.date, measure: str | None = None
) -> Eligibility:
    """Test the household against the programme on the day, and explain the result."""
    measure = measure or programme.measure
    if measure not in Measure.ALL:
        raise ValueError(f"unknown income measure {measure!r}")
    cur = programme.currency
    members = facts.adults_at_home + facts.children
    if programme.count_members_away:
        members += facts.members_away
    members_for_division = max(members, 1)

    uplift = Decimal(0)
    uplift_rules = []
    qualifying = []
    for rule in programme.categorical:
        if rule.criterion not in facts.criteria:
            continue
        if rule.effect == Effect.THRESHOLD_UPLIFT:
            uplift += rule.percent
            uplift_rules.append(rule)
        elif rule.effect == Effect.QUALIFIES:
            qualifying.append(rule)
    threshold = (programme.threshold * (1 + uplift / 100)).quantize(CENT, ROUND_HALF_UP)

    months: list[MonthTest] = []
    for month in months_before(on, MONTHS_TESTED):
        window = [add_months(month, -k) for k in range(programme.smoothing_months - 1, -1, -1)]
        remittance = facts.remittances.get(month, Decimal(0))
        smoothed = mean(series(dict(facts.remittances), window))
        declared = facts.means_for(month)
        other = declared.other_income if declared else Decimal(0)
        single_pp = _per_person(remittance + other, members_for_division)
        smoothed_pp = _per_person(smoothed + other, members_for_division)
        months.append(
            MonthTest(
                month=month,
                remittance=remittance,
                remittance_smoothed=smoothed,
                other_income=other,
                per_person_single=single_pp,
                per_person_smoothed=smoothed_pp,
                passes_single=single_pp <= threshold,
                passes_smoothed=smoothed_pp <= threshold,
            )
        )
    latest = months[-1]

    lines: list[str] = []
    lines.append(
        _(
            "Household members counted: %(members)d (%(children)d children and %(adults)d adults "
            "living at home)."
        )
        % {"members": members, "children": facts.children, "adults": facts.adults_at_home}
    )
    if facts.members_away:
        lines.append(
            (
                ngettext(
                    "%(n)d family member working away is counted, as the programme says.",
                    "%(n)d family members working away are counted, as the programme says.",
                    facts.members_away,
                )
                if programme.count_members_away
                else ngettext(
                    "%(n)d family member working away is not counted.",
                    "%(n)d family members working away are not counted.",
                    facts.members_away,
                )
            )
            % {"n": facts.members_away}
        )

    composition_ok = members >= programme.min_members and facts.children >= programme.min_children
    if not composition_ok:
        lines.append(
            _(
                "The programme requires at least %(members)d members and %(children)d children "
                "(%(source)s): this household does not meet it."
            )
            % {
                "members": programme.min_members,
                "children": programme.min_children,
                "source": programme.composition_source,
            }
        )

    current_means = facts.means_for(latest.month)
    assets_ok = True
    if programme.max_assets_per_person is not None:
        if current_means is None or current_means.assets is None:
            lines.append(_("Assets have not been declared, so the asset limit was not applied."))
        else:
            assets_pp = _per_person(current_means.assets, members_for_division)
            assets_ok = assets_pp <= programme.max_assets_per_person
            template = (
                _("Assets per person: %(assets)s, within the limit of %(limit)s (%(source)s).")
                if assets_ok
                else _("Assets per person: %(assets)s, above the limit of %(limit)s (%(source)s).")
            )
            lines.append(
                template
                % {
                    "assets": money(assets_pp, cur),
                    "limit": money(programme.max_assets_per_person, cur),
                    "source": programme.assets_source,
                }
            )

    if measure == Measure.SMOOTHED:
        lines.append(
            _(
                "Remittances averaged over the %(n)d months to %(month)s: %(amount)s a month "
                "(months without a remittance count as zero)."
            )
            % {
                "n": programme.smoothing_months,
                "month": month_name(latest.month),
                "amount": money(latest.remittance_smoothed, cur),
            }
        )
        remittance_used, per_person = latest.remittance_smoothed, latest.per_person_smoothed
    else:
        lines.append(
            _("Remittances received in %(month)s: %(amount)s (single-month rule).")
            % {"month": month_name(latest.month), "amount": money(latest.remittance, cur)}
        )
        remittance_used, per_person = latest.remittance, latest.per_person_single
    if current_means is None:
        lines.append(_("No other income has been declared; it is counted as zero."))
    lines.append(
        _("Income per person: (%(remittances)s + %(other)s other income) ÷ %(members)d = %(pp)s.")
        % {
            "remittances": money(remittance_used, cur),
            "other": money(latest.other_income, cur),
            "members": members_for_division,
            "pp": money(per_person, cur),
        }
    )
    lines.append(
        _("Threshold: %(threshold)s per person a month (%(source)s).")
        % {"threshold": money(programme.threshold, cur), "source": programme.threshold_source}
    )
    for rule in uplift_rules:
        lines.append(
            _("Raised by %(percent)s%% because %(criterion)s (%(source)s): %(threshold)s.")
            % {
                "percent": formats.number_format(rule.percent, use_l10n=True),
                "criterion": criterion_label(rule.criterion),
                "source": rule.source,
                "threshold": money(threshold, cur),
            }
        )

    income_ok = per_person <= threshold
    penalty_months: list[dt.date] = []
    if measure == Measure.SINGLE_MONTH and programme.single_month_penalty_months:
        recent = months[-(programme.single_month_penalty_months + 1) : -1]
        penalty_months = [m.month for m in recent if not m.passes_single]
    if income_ok:
        lines.append(
            _("%(pp)s is at or below %(threshold)s: the income test is met.")
            % {"pp": money(per_person, cur), "threshold": money(threshold, cur)}
        )
    else:
        lines.append(
            _("%(pp)s is above %(threshold)s: the income test is not met.")
            % {"pp": money(per_person, cur), "threshold": money(threshold, cur)}
        )
    if penalty_months and income_ok:
        income_ok = False
        lines.append(
            _(
                "Under this programme a month above the threshold excludes the household for "
                "%(n)d months: income was above it in %(months)s."
            )
            % {"n": programme.single_month_penalty_months, "months": month_list(penalty_months)}
        )
    for rule in qualifying:
        lines.append(
            _("The income test does not apply because %(criterion)s (%(source)s).")
            % {"criterion": criterion_label(rule.criterion), "source": rule.source}
        )

    eligible = composition_ok and assets_ok and (income_ok or bool(qualifying))
    single_failures = [m.month for m in months if not m.passes_single]
    if not eligible:
        status = Status.NOT_ELIGIBLE
        lines.append(_("Result: not eligible."))
    elif single_failures and not qualifying:
        status = Status.AT_RISK
        lines.append(
            _(
                "Result: at risk of exclusion. Eligible, but a single-month rule would have "
                "found income above the threshold in %(months)s."
            )
            % {"months": month_list(single_failures)}
        )
    else:
        status = Status.ELIGIBLE
        lines.append(_("Result: eligible."))

    return Eligibility(
        programme=programme,
        measure=measure,
        status=status,
        members=members,
        threshold=threshold,
        months=months,
        explanation=lines,
    )


def criterion_label(criterion: str) -> str:
    labels = {
        Criterion.LEFT_BEHIND_CHILD: _("a child of the household has a parent working away"),
        Criterion.BOTH_PARENTS_AWAY: _("a child of the household has both parents away"),
        Criterion.CHILD_HEADED: _("a child cares for themselves or is cared for by a sibling"),
    }
    return labels.get(criterion, criterion)


@dataclass(frozen=True)
class RuleDifference:
    """How the two rules disagree for one household over the 12 months tested."""

    household_id: int
    dropped_by_single_kept_by_smoothed: list[dt.date]
    dropped_by_smoothed_kept_by_single: list[dt.date]


def compare_rules(programme: Programme, facts: HouseholdFacts, *, on: dt.date) -> RuleDifference:
    """The months in which the single-month and the smoothed tests disagree.

    Only the income test is compared: composition, assets and categorical criteria are the
    same under both rules."""
    result = evaluate(programme, facts, on=on, measure=Measure.SMOOTHED)
    return RuleDifference(
        household_id=facts.household_id,
        dropped_by_single_kept_by_smoothed=[
            m.month for m in result.months if m.passes_smoothed and not m.passes_single
        ],
        dropped_by_smoothed_kept_by_single=[
            m.month for m in result.months if m.passes_single and not m.passes_smoothed
        ],
    )
