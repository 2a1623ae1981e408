"""Providers for facts other apps own: contact with parents and remittances (the connection
app), legal guardianship (the guardianship app).

The assessment app never imports their models. It calls only what they publish, and only when
the app is installed and the module importable (`importlib.util.find_spec`); otherwise the
factor is unknown for every child, with what to collect. These are fallbacks: an app that
registers its own provider (from its `AppConfig.ready()`) replaces them.

- connection: `kinlink.connection.alerts.alerts_for_child(child, on)`, and for a chunk of
  children `alerts_for_children(children, on)`. An alert `no_contact` makes no_parent_contact
  present; with a parent away and no such alert the contact log says there was contact (or the
  departure is recent), so it is absent. An alert `remittance_stopped` or `remittance_fell`
  makes remittances_stopped present; without one it stays unknown, because the alerts cannot
  tell "money arrives" from "nothing was recorded".
- guardianship: `kinlink.guardianship.selectors.covered(children, on)`, set-based. A child with a
  declaration or appointment in force has a registered guardian; one without, and with no
  parent at home, has none; a parent at home is the child's guardian.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_noop as N_

from kinlink.assessment.screening import builtin
from kinlink.assessment.screening.builtin import AWAY, HOME, ParentFacts
from kinlink.assessment.screening.providers import Chunk, Known, Result, Unknown, register
from kinlink.core.published import publishes
from kinlink.registry.models import Child

available = publishes


def _field(alert: Any, *names: str) -> Any:
    for name in names:
        value = alert.get(name) if isinstance(alert, Mapping) else getattr(alert, name, None)
        if value:
            return value
    return None


def _alert(alerts: Any, codes: frozenset[str]) -> Any:
    for alert in alerts or ():
        if _field(alert, "code", "kind") in codes:
            return alert
    return None


def _constant(result: Result) -> tuple[Any, Any]:
    def single(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
        return result

    def batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
        return dict.fromkeys(chunk.ids, result)

    return single, batch


# Connection ------------------------------------------------------------------------------

CONNECTION = ("kinlink.connection", "kinlink.connection.alerts")
NO_CONTACT_CODES = frozenset({"no_contact"})
REMITTANCE_CODES = frozenset({"remittance_stopped", "remittance_fell"})

COLLECT_CONTACT = Unknown(
    N_(
        "Find out when the child last had contact with a parent (call, video call, message or "
        "visit) and record it in the contact log."
    )
)
COLLECT_REMITTANCES = Unknown(
    N_(
        "Find out whether money from the parents still arrives as it used to, and when it last "
        "came."
    )
)
NO_REMITTANCE_ALERT = Unknown(
    N_(
        "No remittance alert, but that may mean nothing is recorded: check the household's "
        "remittance record with the caregiver."
    )
)
CONTACT_RECENT = Known(
    False,
    N_("The contact log shows recent contact with a parent, or the departure was recent."),
)


def _connection_alerts(child: Child, on: dt.date) -> Any:
    module = importlib.import_module(CONNECTION[1])
    return module.alerts_for_child(child, on)


def _present(alert: Any, fallback: str) -> Known:
    """The alert as evidence: its msgid and params when it publishes them (translated when
    shown, in the reader's language), else its message."""
    text, params = getattr(alert, "text", None), getattr(alert, "evidence_params", None)
    if text and callable(params):
        return Known(True, text, params())
    return Known(True, str(_field(alert, "message") or fallback))


def contact_verdict(alerts: Any, facts: ParentFacts) -> Result:
    alert = _alert(alerts, NO_CONTACT_CODES)
    if alert is not None:
        return _present(alert, N_("No contact with a parent."))
    if AWAY in (facts.mother, facts.father):
        return CONTACT_RECENT
    if None in (facts.mother, facts.father):
        return builtin.record_missing(facts)
    return builtin.NOBODY_AWAY


def remittance_verdict(alerts: Any) -> Result:
    alert = _alert(alerts, REMITTANCE_CODES)
    if alert is not None:
        return _present(alert, N_("Remittances stopped."))
    return NO_REMITTANCE_ALERT


def no_parent_contact(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    return contact_verdict(_connection_alerts(child, on), builtin.parent_facts(child, on))


def remittances_stopped(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    return remittance_verdict(_connection_alerts(child, on))


def _chunk_alerts(chunk: Chunk) -> dict[int, Any]:
    def compute() -> dict[int, Any]:
        module = importlib.import_module(CONNECTION[1])
        return module.alerts_for_children(
            chunk.ids,
            chunk.on,
            parent_rows=builtin.parent_rows_batch(chunk),
            away=builtin.living_away_batch(chunk),
        )

    return chunk.shared("connection_alerts", compute)


def no_parent_contact_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    alerts = _chunk_alerts(chunk)
    facts = builtin.parent_facts_batch(chunk)
    return {
        pk: contact_verdict(alerts.get(pk), facts.get(pk, builtin.NO_PARENTS)) for pk in chunk.ids
    }


def remittances_stopped_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    alerts = _chunk_alerts(chunk)
    return {pk: remittance_verdict(alerts.get(pk)) for pk in chunk.ids}


# Guardianship ----------------------------------------------------------------------------

GUARDIANSHIP = ("kinlink.guardianship", "kinlink.guardianship.selectors")
COLLECT_GUARDIAN = Unknown(
    N_(
        "Find out who has legal authority for the child while the parents are away (a "
        "guardianship declaration or an appointed guardian)."
    )
)
COVERED = Known(False, N_("A guardianship declaration or an appointed guardian is in force."))
PARENT_AT_HOME = Known(False, N_("A parent lives at home and is the child's legal guardian."))
NOT_COVERED = Known(
    True,
    N_("No parent at home, and no guardianship declaration or appointment is in force."),
)


def guardian_verdict(facts: ParentFacts, covered: bool) -> Result:
    if covered:
        return COVERED
    if HOME in (facts.mother, facts.father):
        return PARENT_AT_HOME
    if None in (facts.mother, facts.father):
        return builtin.record_missing(facts)
    return NOT_COVERED


def _covered(children: Any, on: dt.date) -> set[int]:
    module = importlib.import_module(GUARDIANSHIP[1])
    return set(module.covered(children, on).values_list("pk", flat=True))


def no_legal_guardian(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    covered = child.pk in _covered(Child.objects.filter(pk=child.pk), on)
    return guardian_verdict(builtin.parent_facts(child, on), covered)


def no_legal_guardian_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    children = Child.objects.filter(pk__gte=chunk.first, pk__lte=chunk.last)
    covered = _covered(children, chunk.on)
    facts = builtin.parent_facts_batch(chunk)
    return {
        pk: guardian_verdict(facts.get(pk, builtin.NO_PARENTS), pk in covered) for pk in chunk.ids
    }


def register_all() -> None:
    if available(*CONNECTION):
        register(
            "no_parent_contact", no_parent_contact, batch=no_parent_contact_batch, fallback=True
        )
        register(
            "remittances_stopped",
            remittances_stopped,
            batch=remittances_stopped_batch,
            fallback=True,
        )
    else:
        single, batch = _constant(COLLECT_CONTACT)
        register("no_parent_contact", single, batch=batch, fallback=True)
        single, batch = _constant(COLLECT_REMITTANCES)
        register("remittances_stopped", single, batch=batch, fallback=True)
    if available(*GUARDIANSHIP):
        register(
            "no_legal_guardian", no_legal_guardian, batch=no_legal_guardian_batch, fallback=True
        )
    else:
        single, batch = _constant(COLLECT_GUARDIAN)
        register("no_legal_guardian", single, batch=batch, fallback=True)
