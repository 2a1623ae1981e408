"""`kinlink growth`: a survey CSV in, the same rows with z-scores out, bad rows named by row and
column, a prevalence summary, and no database. These tests take no `db` fixture, so
pytest-django fails any of them that reaches for the database."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SURVEY = """\
id,sex,age_days,date_of_birth,measured_on,weight_kg,height_cm,measure,oedema,region
A1,F,683,,,10.4,84.8,lying,n,West
A2,2,,2020-01-01,2021-11-14,10.4,84.8,l,N,West
A3,M,1900,,,20,110,h,n,East
A4,X,100,,,5,60,l,n,East
A5,1,abc,,,-3,60,sideways,maybe,North
A6,M,,2022-05-01,2022-04-01,9,70,l,n,North
A7,M,400,,,8.0,75.0,l,y,South
A8,F,0,,,,,,,South
"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("growth", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def survey_file(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_it_writes_every_row_with_scores_and_flags(survey_file, tmp_path):
    out_path = tmp_path / "scored.csv"
    stdout, _ = run(str(survey_file), "--out", str(out_path))
    rows = read(out_path)
    assert [r["id"] for r in rows] == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]
    assert rows[0]["region"] == "West"  # other columns carried through
    # WHO's reference survey, child 1 (domain.md): HAZ -0.07, WAZ -0.57, WLZ -0.81, BAZ -0.79.
    first = rows[0]
    assert (first["hfa_z"], first["wfa_z"], first["wfh_z"], first["bmi_z"]) == (
        "-0.07",
        "-0.57",
        "-0.81",
        "-0.79",
    )
    assert (first["stunting"], first["wasting"], first["thinness"], first["error"]) == (
        "0",
        "0",
        "",
        "",
    )
    # The same child given by dates (683 days) and with 2 / l / N codes scores the same.
    assert {k: rows[1][k] for k in ("hfa_z", "wfa_z", "wfh_z", "bmi_z")} == {
        k: first[k] for k in ("hfa_z", "wfa_z", "wfh_z", "bmi_z")
    }
    over_five = rows[2]
    assert over_five["wfh_z"] == "" and over_five["hfa_z"] != ""  # WHO gives no WFH after 5
    oedema = rows[6]
    assert (oedema["wfa_z"], oedema["wfh_z"], oedema["bmi_z"]) == ("", "", "")
    assert (oedema["wasting"], oedema["severe_wasting"]) == ("1", "1")
    newborn = rows[7]
    assert newborn["hfa_z"] == "" and newborn["error"] == ""  # not measured is not an error
    assert "Scored 5 of 8 rows" in stdout


def test_bad_rows_are_named_by_row_and_column_without_their_values(survey_file, tmp_path):
    out_path = tmp_path / "scored.csv"
    _, stderr = run(str(survey_file), "--out", str(out_path))
    rows = read(out_path)
    assert rows[3]["error"].startswith("sex:")
    assert [part.split(":")[0] for part in rows[4]["error"].split("; ")] == [
        "age_days",
        "weight_kg",
        "measure",
        "oedema",
    ]
    assert rows[5]["error"] == "measured_on: before the date of birth"
    assert rows[3]["hfa_z"] == rows[4]["wfa_z"] == ""
    # Row numbers as a spreadsheet shows them: the header is row 1, so A4 is row 5.
    assert "3 rows could not be scored" in stderr
    assert "row 5: sex:" in stderr
    assert "row 6: age_days:" in stderr
    assert "row 7: measured_on:" in stderr
    for value in ("abc", "sideways", "maybe", "-3", "2022-04-01"):
        assert value not in stderr


def test_a_scored_file_can_be_scored_again_without_duplicate_columns(survey_file, tmp_path):
    once, twice = tmp_path / "once.csv", tmp_path / "twice.csv"
    run(str(survey_file), "--out", str(once))
    run(str(once), "--out", str(twice))
    assert once.read_text() == twice.read_text()


def test_summary_prints_prevalence_with_intervals(survey_file):
    stdout, _ = run(str(survey_file), "--summary")
    assert "Stunting (height-for-age < -2 SD)" in stdout
    assert "Severe wasting (weight-for-length/height < -3 SD or oedema)" in stdout
    wasting_block = stdout.split("Wasting (")[1]
    everyone = next(line for line in wasting_block.splitlines() if line.startswith("All, 0-59"))
    # A1, A2 (not wasted), A7 (oedema); A8 has no weight: 1 of 3, Wilson 6.1-79.2 %.
    assert everyone.split()[3:] == ["3", "1", "33.3", "6.1-79.2"]
    assert "left out: 1." in stdout  # A3 is over five


def test_a_file_without_a_sex_column_is_refused_and_nothing_is_written(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,age_days,weight_kg\n1,100,5\n", encoding="utf-8")
    out_path = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=r"Missing column.*sex"):
        run(str(source), "--out", str(out_path))
    assert list(tmp_path.iterdir()) == [source]


def test_it_asks_for_an_output(survey_file):
    with pytest.raises(CommandError, match="--out"):
        run(str(survey_file))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"id,sex,age_days,weight_kg\n1,F,10,\xff\xfe\n", "not UTF-8")],
)
def test_unreadable_files_get_a_message(tmp_path, content, message):
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(source), "--summary")


def test_from_the_shell_a_bad_file_exits_with_a_message_not_a_traceback(tmp_path):
    missing = tmp_path / "nowhere.csv"
    done = subprocess.run(
        [sys.executable, "-m", "kinlink", "growth", str(missing), "--summary"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Cannot read" in done.stderr
    assert "Traceback" not in done.stderr
