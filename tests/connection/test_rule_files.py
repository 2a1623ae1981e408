"""Programme rule files: the shipped ones load, and a bad file is refused with a message naming
the file and every bad field."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from kinlink.connection import conf
from kinlink.connection.rules import (
    RuleFileError,
    load_programmes,
    parse_programme,
    programmes_in_force,
)
from tests.connection.programmes import BASE


def test_the_shipped_programmes_load_and_each_clause_has_a_source():
    programmes = load_programmes(conf.RULES_DIR)
    assert {p.id for p in programmes} >= {"rural-dibao", "left-behind-child-support"}
    for p in programmes:
        assert p.source and p.threshold_source
        assert all(rule.source for rule in p.categorical)
    dibao = next(p for p in programmes if p.id == "rural-dibao")
    assert dibao.smoothing_months == 12 and dibao.measure == "smoothed"
    assert dibao.file == "rural-dibao.yaml"


def test_a_file_missing_fields_names_each_one():
    data = {"id": "x", "version": "1", "currency": "CNY", "income": {}}
    with pytest.raises(RuleFileError) as caught:
        parse_programme(data, file="broken.json")
    message = str(caught.value)
    assert message.startswith("broken.json: ")
    for field in ("name", "source", "valid_from", "income.threshold_per_person_month"):
        assert field in message


def test_amounts_written_as_floats_are_refused_because_they_lose_cents():
    data = {**BASE, "income": {**BASE["income"], "threshold_per_person_month": 650.5}}
    with pytest.raises(RuleFileError, match="threshold_per_person_month: must be a whole number"):
        parse_programme(data, file="f.json")


def test_unknown_criteria_effects_and_measures_are_refused():
    data = {
        **BASE,
        "income": {**BASE["income"], "measure": "average"},
        "categorical": [{"criterion": "poor", "effect": "bonus", "source": "s"}],
    }
    with pytest.raises(RuleFileError) as caught:
        parse_programme(data, file="f.json")
    message = str(caught.value)
    assert "income.measure: 'average' is not one of" in message
    assert "categorical[0].criterion: 'poor'" in message
    assert "categorical[0].effect: 'bonus'" in message


def test_a_threshold_in_another_currency_than_the_home_one_is_refused():
    with pytest.raises(RuleFileError, match="currency: is EUR"):
        parse_programme({**BASE, "currency": "EUR"}, file="f.json")


def test_a_directory_with_one_bad_file_is_refused_naming_it(tmp_path):
    (tmp_path / "good.json").write_text(json.dumps(BASE))
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RuleFileError, match=r"bad\.yaml: cannot be read"):
        load_programmes(tmp_path)


def test_two_files_with_the_same_programme_version_are_refused(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(BASE))
    (tmp_path / "b.json").write_text(json.dumps(BASE))
    with pytest.raises(RuleFileError, match=r"also defined in a\.json"):
        load_programmes(tmp_path)


def test_the_version_in_force_on_a_day_is_used(tmp_path):
    old = {**BASE, "version": "2023", "valid_from": "2023-01-01"}
    new = {
        **BASE,
        "version": "2024",
        "valid_from": "2024-07-01",
        "income": {**BASE["income"], "threshold_per_person_month": "700"},
    }
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.yaml").write_text(json.dumps(new))  # JSON is valid YAML
    [before] = programmes_in_force(dt.date(2024, 6, 30), tmp_path)
    [after] = programmes_in_force(dt.date(2024, 7, 1), tmp_path)
    assert before.version == "2023" and after.version == "2024"
    assert str(after.threshold) == "700"


def test_the_check_command_reports_a_bad_directory(tmp_path, capsys):
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(SystemExit):
        call_command("connection_rules", str(tmp_path))
    assert "bad.json" in capsys.readouterr().err
    call_command("connection_rules", str(conf.RULES_DIR))
    assert "rural-dibao" in capsys.readouterr().out
