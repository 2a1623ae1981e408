"""Reads of the assessment for the pages. The child always comes from `assessment.permissions`
(that is, from `registry.access`); these functions read what belongs to that child.

`child_findings(child, references)` is published for the casework app: a case-plan goal links
to findings by their reference (`F-<id>`), and reads their text through it, never the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinlink.accounts.models import User
from kinlink.assessment import permissions, screeners
from kinlink.assessment.models import (
    CopingProfile,
    Domain,
    DomainAssessment,
    ExternalScore,
    Finding,
    FollowUpTask,
    InstrumentResponse,
    Measurement,
    RiskLevel,
    SafetyAlert,
    Screening,
    SupportTie,
    TaskStatus,
)
from kinlink.assessment.screening import engine, storage
from kinlink.assessment.screening.providers import words
from kinlink.assessment.screening.rules import LEVELS, Factor, RuleSet
from kinlink.registry.access import children_visible_to
from kinlink.registry.hooks import TimelineEntry
from kinlink.registry.models import Child

LEVEL_LABELS = dict(RiskLevel.choices)


@dataclass(frozen=True)
class FactorView:
    code: str
    state: str
    words: str  # the evidence, or what to collect, in the reader's language
    factor: Factor | None  # None if the rule set that made the screening is gone

    @property
    def label(self) -> str:
        return str(self.factor.label) if self.factor else self.code

    @property
    def reason(self) -> str:
        return str(self.factor.reason) if self.factor else ""


@dataclass(frozen=True)
class ChangeView:
    code: str
    label: str
    before: str  # state before ("" if not screened then)
    after: str
    words: str


@dataclass(frozen=True)
class ScreeningView:
    screening: Screening
    rules: RuleSet | None
    present: list[FactorView]
    unknown: list[FactorView]
    absent: list[FactorView]
    explanation: list[str]
    previous: Screening | None
    changes: engine.Changes | None
    added: list[ChangeView]
    removed: list[ChangeView]
    changed: list[ChangeView]


def _factor_views(entries: dict[str, dict[str, Any]], rules: RuleSet) -> list[FactorView]:
    return [
        FactorView(
            code=code,
            state=entry["state"],
            words=words(entry["msg"], entry["params"]),
            factor=rules.factor(code),
        )
        for code, entry in entries.items()
    ]


def _explanation(
    screening: Screening, rules: RuleSet | None, present: list[FactorView]
) -> list[str]:
    level = LEVEL_LABELS.get(screening.suggested_level, screening.suggested_level)
    lines = []
    if rules is not None:
        lines.append(
            _(
                "Suggested level: %(level)s. The factors present add up to %(score)s points; "
                "the level is medium from %(medium)s points and high from %(high)s."
            )
            % {
                "level": level,
                "score": screening.score,
                "medium": rules.medium_from,
                "high": rules.high_from,
            }
        )
        # Name a floor only where it, not the score, set the level.
        by_score = rules.level_for(screening.score, [])
        for view in present:
            floor = view.factor.at_least if view.factor else None
            if floor and LEVELS.index(floor) > LEVELS.index(by_score):
                lines.append(
                    _("%(factor)s: the level is at least %(level)s whatever the score.")
                    % {
                        "factor": view.label,
                        "level": LEVEL_LABELS[view.factor.at_least].lower(),
                    }
                )
    else:
        lines.append(_("Suggested level: %(level)s.") % {"level": level})
    if screening.unknown_count:
        if screening.possible_level != screening.suggested_level:
            lines.append(
                ngettext(
                    "%(count)s factor is unknown: if it turned out present, the level could be "
                    "%(level)s. Collect what is listed below.",
                    "%(count)s factors are unknown: if they turned out present, the level could "
                    "be %(level)s. Collect what is listed below.",
                    screening.unknown_count,
                )
                % {
                    "count": screening.unknown_count,
                    "level": LEVEL_LABELS[screening.possible_level].lower(),
                }
            )
        else:
            lines.append(
                ngettext(
                    "%(count)s factor is unknown; collect what is listed below. It would not "
                    "change the level.",
                    "%(count)s factors are unknown; collect what is listed below. They would not "
                    "change the level.",
                    screening.unknown_count,
                )
                % {"count": screening.unknown_count}
            )
    return lines


def previous_screening(screening: Screening) -> Screening | None:
    return (
        Screening.objects.select_related("rules")
        .filter(child_id=screening.child_id)
        .filter(Q(on__lt=screening.on) | Q(on=screening.on, pk__lt=screening.pk))
        .order_by("-on", "-pk")
        .first()
    )


def _change_views(changes: list[engine.FactorChange], rules: RuleSet | None) -> list[ChangeView]:
    views = []
    for change in changes:
        factor = rules.factor(change.code) if rules else None
        entry = change.after or change.before or {}
        views.append(
            ChangeView(
                code=change.code,
                label=str(factor.label) if factor else change.code,
                before=change.before_state or "",
                after=change.after_state or "",
                words=words(entry.get("msg", ""), entry.get("params")),
            )
        )
    return views


def screening_view(screening: Screening) -> ScreeningView:
    rules = storage.rules_of(screening)
    previous = previous_screening(screening)
    decoded = storage.decode_many([screening, *([previous] if previous else [])])
    views = _factor_views(decoded[screening.pk], rules)
    present = [v for v in views if v.state == engine.PRESENT]
    changes = None
    added: list[engine.FactorChange] = []
    removed: list[engine.FactorChange] = []
    changed: list[engine.FactorChange] = []
    if previous is not None:
        added, removed, changed = engine.compare(decoded[previous.pk], decoded[screening.pk])
        changes = engine.Changes(
            previous_on=previous.on,
            level_before=previous.confirmed_level or previous.suggested_level,
            level_after=screening.suggested_level,
            rule_set_before=previous.rule_set,
            rule_set_after=screening.rule_set,
            added=added,
            removed=removed,
            changed=changed,
        )
    return ScreeningView(
        screening=screening,
        rules=rules,
        present=present,
        unknown=[v for v in views if v.state == engine.UNKNOWN],
        absent=[v for v in views if v.state == engine.ABSENT],
        explanation=_explanation(screening, rules, present),
        previous=previous,
        changes=changes,
        added=_change_views(added, rules),
        removed=_change_views(removed, rules),
        changed=_change_views(changed, rules),
    )


def screenings_of(child: Child) -> QuerySet[Screening]:
    return (
        Screening.objects.filter(child=child)
        .select_related("rules", "performed_by", "confirmed_by")
        .order_by("-on", "-pk")
    )


def latest_screening(child: Child) -> Screening | None:
    return screenings_of(child).first()


def open_alerts(child: Child) -> QuerySet[SafetyAlert]:
    return (
        SafetyAlert.objects.filter(child=child, acknowledged_at__isnull=True)
        .prefetch_related("raised_for")
        .select_related("response")
    )


def open_tasks(child: Child) -> QuerySet[FollowUpTask]:
    return FollowUpTask.objects.filter(child=child, status=TaskStatus.OPEN).select_related(
        "assigned_to"
    )


def alerts_for(user: User) -> QuerySet[SafetyAlert]:
    """Open alerts raised for the user, about children she may still see."""
    return (
        SafetyAlert.objects.filter(
            acknowledged_at__isnull=True,
            raised_for=user,
            child__in=children_visible_to(user),
        )
        .select_related("child")
        .order_by("-raised_at")
    )


@dataclass(frozen=True)
class ScreenerView:
    pack: screeners.Pack | None
    response: InstrumentResponse

    @property
    def band_label(self) -> str:
        band = self.pack.band(self.response.band) if self.pack else None
        return str(band.label) if band else self.response.band

    @property
    def flag_labels(self) -> list[str]:
        labels = []
        for code in self.response.flags:
            flag = self.pack.flag(code) if self.pack else None
            labels.append(str(flag.label) if flag else code)
        return labels


def screener_results(child: Child, limit: int = 20) -> list[ScreenerView]:
    packs = screeners.packs()
    responses = InstrumentResponse.objects.filter(child=child)[:limit]
    return [ScreenerView(packs.get(r.instrument), r) for r in responses]


def external_scores(child: Child) -> QuerySet[ExternalScore]:
    return ExternalScore.objects.filter(child=child)


def measurements_of(child: Child) -> QuerySet[Measurement]:
    return Measurement.objects.filter(child=child).select_related("measured_by")


def latest_coping(child: Child) -> CopingProfile | None:
    return CopingProfile.objects.filter(child=child).first()


def support_ties(child: Child, *, current: bool = True) -> QuerySet[SupportTie]:
    ties = SupportTie.objects.filter(child=child)
    return ties.filter(ended_on__isnull=True) if current else ties


def latest_domain_assessments(child: Child) -> dict[str, DomainAssessment]:
    """The latest assessment of each domain, with its findings, keyed by domain."""
    latest: dict[str, DomainAssessment] = {}
    for assessment in (
        DomainAssessment.objects.filter(child=child)
        .prefetch_related("findings")
        .order_by("domain", "-assessed_on", "-pk")
    ):
        latest.setdefault(assessment.domain, assessment)
    return {d: latest[d] for d in Domain.values if d in latest}


@dataclass(frozen=True)
class FindingRef:
    """A finding as other apps see it: its reference and what it says."""

    reference: str  # F-<id>
    domain: str
    domain_label: str
    kind: str
    kind_label: str
    text: str
    assessed_on: dt.date


def _finding_ids(references: Iterable[str]) -> list[int]:
    ids = []
    for reference in references:
        prefix, _sep, number = str(reference).partition("-")
        if prefix == "F" and number.isdigit():
            ids.append(int(number))
    return ids


def child_findings(child: Child, references: Iterable[str] | None = None) -> list[FindingRef]:
    """The child's findings (all, or those with the references given, ignoring any that are not
    this child's), grouped by domain, newest assessment first. Published for case plans."""
    findings = findings_for_child(child).order_by("domain", "-assessment__assessed_on", "pk")
    if references is not None:
        findings = findings.filter(pk__in=_finding_ids(references))
    return [
        FindingRef(
            finding.reference,
            finding.domain,
            str(finding.get_domain_display()),
            finding.kind,
            str(finding.get_kind_display()),
            finding.text,
            finding.assessment.assessed_on,
        )
        for finding in findings
    ]


def findings_for_child(child: Child) -> QuerySet[Finding]:
    """Every finding about the child, oldest first: what a case plan's goals link to."""
    return Finding.objects.filter(child=child).select_related("assessment")


def domain_history(child: Child, domain: str) -> QuerySet[DomainAssessment]:
    return DomainAssessment.objects.filter(child=child, domain=domain).prefetch_related("findings")


def summary_counts(child: Child) -> dict[str, Any]:
    return {
        "screenings": Screening.objects.filter(child=child).count(),
        "measurements": Measurement.objects.filter(child=child).count(),
    }


# The assessment's part of the child's timeline ---------------------------------------------------


def assessment_timeline(user: User, child: Child, limit: int = 100) -> list[TimelineEntry]:
    """Screenings (with the level), screeners, scores from outside and assessments by domain for
    those who assess; growth measurements for those who may see growth. Nothing for others."""
    entries: list[TimelineEntry] = []

    def entry(on: Any, text: str, url_name: str, by: User | None, **kw: Any) -> TimelineEntry:
        url = reverse(f"assessment:{url_name}", args=[child.pk])
        if "query" in kw:
            url += kw.pop("query")
        return TimelineEntry(on, "assessment", text, url, by.get_username() if by else "", **kw)

    if permissions.can_assess(user):
        for screening in screenings_of(child)[:limit]:
            level = screening.confirmed_level or screening.suggested_level
            text = (
                _("Screened: %(level)s risk, confirmed")
                if screening.is_confirmed
                else _("Screened: %(level)s risk suggested")
            ) % {"level": LEVEL_LABELS[level]}
            entries.append(
                entry(
                    screening.on,
                    text,
                    "screening",
                    screening.performed_by,
                    at=screening.performed_at,
                    query=f"?id={screening.pk}",
                )
            )
        for view in screener_results(child, limit):
            name = view.pack.short_name if view.pack else view.response.instrument
            entries.append(
                entry(
                    view.response.administered_on,
                    _("%(screener)s given: %(band)s") % {"screener": name, "band": view.band_label},
                    "screeners",
                    view.response.administered_by,
                )
            )
        for score in external_scores(child).select_related("recorded_by")[:limit]:
            entries.append(
                entry(
                    score.administered_on,
                    _("%(instrument)s scores recorded") % {"instrument": score.instrument.upper()},
                    "screeners",
                    score.recorded_by,
                )
            )
        for assessment in DomainAssessment.objects.filter(child=child).select_related(
            "assessed_by"
        )[:limit]:
            entries.append(
                entry(
                    assessment.assessed_on,
                    _("Assessed: %(domain)s") % {"domain": assessment.get_domain_display()},
                    "domains",
                    assessment.assessed_by,
                )
            )
    if permissions.can_see_growth(user):
        for measurement in measurements_of(child).order_by("-measured_on", "-pk")[:limit]:
            flags = measurement.flag_labels()
            text = (
                _("Measured: %(flags)s") % {"flags": ", ".join(map(str, flags))}
                if flags
                else _("Measured")
            )
            entries.append(entry(measurement.measured_on, text, "growth", measurement.measured_by))
    return entries
