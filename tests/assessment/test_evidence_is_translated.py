"""The screen stores its evidence untranslated (a msgid and its values) and translates it when
shown, so every text a fact provider can give must be in the Chinese catalogue: `makemessages`
extracts `N_("...")` as well as gettext_noop (kinlink.core's makemessages)."""

from __future__ import annotations

from django.utils import translation

from kinlink.assessment.screening import builtin, external
from kinlink.assessment.screening.providers import Known, Unknown


def _texts(module) -> list[str]:
    texts = []
    for value in vars(module).values():
        if isinstance(value, Known) and value.evidence:
            texts.append(value.evidence)
        elif isinstance(value, Unknown):
            texts.append(value.what_to_collect)
    return texts


def test_every_fixed_answer_of_the_fact_providers_reads_in_chinese():
    texts = _texts(builtin) + _texts(external)
    assert len(texts) >= 15
    with translation.override("zh-hans"):
        untranslated = [t for t in texts if translation.gettext(t) == t]
    assert untranslated == []


def test_a_connection_alert_carries_its_msgid_and_reads_in_the_readers_language():
    import datetime as dt

    from kinlink.connection.alerts import Alert, Code

    alert = Alert(
        Code.REMITTANCE_STOPPED,
        "No remittance since %(date)s, after remittances came regularly: "
        "%(months)d months without one.",
        {"date": dt.date(2024, 3, 5), "months": 4},
        dt.date(2024, 6, 5),
    )
    assert alert.evidence_params() == {"date": "2024-03-05", "months": 4}
    with translation.override("zh-hans"):
        assert "4" in alert.message and "No remittance" not in alert.message
