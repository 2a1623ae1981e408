"""System checks: every screening rule set and instrument pack must load, so that a bad edit
stops `kinlink check` (and the server's start) with a message naming the file and the place."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def rule_sets_and_packs_load(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from kinlink.assessment import screeners
    from kinlink.assessment.screening import rules

    problems: list[checks.CheckMessage] = []
    rules.rule_set.cache_clear()
    screeners.packs.cache_clear()
    try:
        rules.all_rule_sets()
        rules.current_rule_set()
    except rules.RuleSetError as exc:
        problems.append(checks.Error(str(exc), id="assessment.E001"))
    try:
        screeners.packs()
    except screeners.PackError as exc:
        problems.append(checks.Error(str(exc), id="assessment.E002"))
    return problems
