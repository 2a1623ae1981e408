"""The rule set is data: versioned, validated on load, every factor with a reason in each
language and a source. A bad file is refused with a message naming the place."""

from __future__ import annotations

import json

import pytest

from kinlink.assessment.screening import providers, rules
from kinlink.assessment.screening.providers import Known, register

SHIPPED = (rules.RULES_DIR / "screening-v1.json").read_text(encoding="utf-8")


def variant(change) -> str:
    data = json.loads(SHIPPED)
    change(data)
    return json.dumps(data)


def refused(text: str, name: str = "screening-v1.json") -> str:
    with pytest.raises(rules.RuleSetError) as error:
        rules.parse(text, name)
    return str(error.value)


def test_the_shipped_rule_set_loads_with_every_factor_of_the_issue():
    rule_set = rules.parse(SHIPPED, "screening-v1.json")
    assert rule_set.version == "screening-v1"
    assert {f.code for f in rule_set.factors} == {
        "both_parents_away",
        "mother_away",
        "long_separation",
        "no_parent_contact",
        "remittances_stopped",
        "young_child",
        "caregiver_capacity",
        "no_legal_guardian",
        "education",
        "malnutrition",
        "disability",
        "social_assistance_excluded",
        "protection_concern",
    }


def test_every_factor_has_a_reason_in_english_and_chinese_and_a_source():
    for factor in rules.parse(SHIPPED, "screening-v1.json").factors:
        assert factor.reason.by_language["en"] and factor.reason.by_language["zh-hans"]
        assert factor.label.by_language["zh-hans"]
        assert factor.sources, factor.code


def test_the_rule_set_changes_with_its_file_and_screenings_keep_the_digest():
    first = rules.parse(SHIPPED, "screening-v1.json")
    second = rules.parse(SHIPPED.replace('"medium": 3', '"medium": 4'), "screening-v1.json")
    assert first.digest != second.digest
    assert second.medium_from == 4


def test_an_unknown_key_in_a_factor_is_refused_by_name():
    text = variant(lambda d: d["factors"][1].update({"wieght": 3}))
    message = refused(text)
    assert "factor 2 (mother_away)" in message and "'wieght'" in message


def test_an_unknown_factor_is_refused_with_the_known_ones_listed():
    text = variant(lambda d: d["factors"][0].update({"code": "parents_divorced"}))
    message = refused(text)
    assert "unknown factor 'parents_divorced'" in message and "mother_away" in message


def test_an_unknown_top_level_key_is_refused():
    assert "'author'" in refused(variant(lambda d: d.update({"author": "x"})))


def test_a_reason_missing_in_chinese_is_refused():
    text = variant(lambda d: d["factors"][2]["reason"].pop("zh-hans"))
    assert "long_separation) reason: the text is missing in zh-hans" in refused(text)


def test_a_weight_out_of_range_or_a_bad_floor_is_refused():
    assert "weight" in refused(variant(lambda d: d["factors"][0].update({"weight": 11})))
    assert "at_least" in refused(variant(lambda d: d["factors"][0].update({"at_least": "low"})))


def test_an_unknown_parameter_or_one_of_the_wrong_type_is_refused():
    bad_name = variant(lambda d: d["factors"][2].update({"params": {"weeks": 52}}))
    assert "unknown parameter 'weeks'; accepted: months" in refused(bad_name)
    bad_type = variant(lambda d: d["factors"][2].update({"params": {"months": "12"}}))
    assert "'months' must be a whole number, like 12" in refused(bad_type)


def test_levels_must_rise_and_a_factor_may_appear_once():
    assert "0 < medium < high" in refused(
        variant(lambda d: d.update({"levels": {"medium": 6, "high": 3}}))
    )
    assert "more than once" in refused(
        variant(lambda d: d["factors"].append(dict(d["factors"][0])))
    )


def test_the_version_must_match_the_file_name():
    assert "file name" in refused(SHIPPED, "screening-v2.json")
    assert "named screening-v" in refused(SHIPPED, "rules.json")


def test_invalid_json_names_the_line():
    assert "line 1" in refused("{not json")


def test_a_provider_registered_by_another_app_replaces_the_fallback():
    original = providers.provider_for("remittances_stopped")

    def real(child, on, params):
        return Known(True, "from the remittance log")

    try:
        register("remittances_stopped", real)
        assert providers.provider_for("remittances_stopped").single is real
        # A fallback registered afterwards (app order) does not undo it.
        register("remittances_stopped", original.single, batch=original.batch, fallback=True)
        assert providers.provider_for("remittances_stopped").single is real
    finally:
        providers.unregister("remittances_stopped")
        register(
            "remittances_stopped",
            original.single,
            batch=original.batch,
            params=original.params,
            fallback=True,
        )


def test_two_real_providers_for_one_factor_are_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    def one(child, on, params):
        return Known(False)

    def two(child, on, params):
        return Known(False)

    try:
        register("test_factor", one)
        with pytest.raises(ImproperlyConfigured):
            register("test_factor", two)
    finally:
        providers.unregister("test_factor")
