"""`kinlink link`: two CSV files in, the accepted pairs out, with no database; bad files get a
message that names the file (and row) and never a stack trace.

These tests take no `db` fixture, so pytest-django fails any of them that touches the database.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kinlink.identification.linkage import synthetic
from kinlink.identification.linkage.engine import pairwise_scores

LEDGER = """\
record_id,family_name,given_name,sex,date_of_birth,id_number,village,guardian_name,guardian_phone
L1,王,小明,男,2014-03-02,,上坝村,王建国,13800138000
L2,李,欣怡,女,2015/7/9,,下坝村,李桂兰,13900139000
L3,张,子轩,男,2013年11月20日,,河口村,张德明,13700137000
L4,刘,雨涵,女,2016-01-15,,上坝村,刘芳,13600136000
"""
ROSTER = """\
学籍号,姓名,性别,出生日期,所在村,监护人,联系电话
R1,王晓明,男,2014-03-02,上坝,王建国,13800138000
R2,Li Xinyi,女,2015-07-09,下坝村,李桂兰,13900139000
R3,赵强,男,2012-05-05,河口村,赵大海,13500135000
"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("link", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A synthetic ledger and roster on disk, with the true links."""
    folder = tmp_path_factory.mktemp("files")
    data = synthetic.generate(1500, seed=5)
    data.ledger.to_csv(folder / "ledger.csv", index=False)
    # The roster comes from a Chinese office: GB18030, as its spreadsheets save it.
    data.roster.to_csv(folder / "roster.csv", index=False, encoding="gb18030")
    return folder, data


def test_it_writes_one_to_one_matches_with_their_probability(generated, tmp_path):
    folder, data = generated
    out = tmp_path / "matches.csv"
    stdout, stderr = run(str(folder / "ledger.csv"), str(folder / "roster.csv"), "--out", str(out))
    rows = read(out)
    assert list(rows[0]) == ["left_id", "right_id", "match_probability"]
    assert f"{len(rows)} matches written." in stdout
    assert "reading ledger.csv" in stderr  # progress goes to stderr
    lefts = [r["left_id"] for r in rows]
    rights = [r["right_id"] for r in rows]
    assert len(set(lefts)) == len(lefts) and len(set(rights)) == len(rights)
    assert all(0.5 <= float(r["match_probability"]) <= 1 for r in rows)
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert len(found & data.true_links) >= 0.97 * len(data.true_links)
    assert len(found - data.true_links) <= 0.01 * len(found)


def test_many_keeps_more_pairs_and_a_higher_threshold_keeps_fewer(generated, tmp_path):
    folder, _ = generated
    files = [str(folder / "ledger.csv"), str(folder / "roster.csv")]
    one, many, strict = tmp_path / "one.csv", tmp_path / "many.csv", tmp_path / "strict.csv"
    run(*files, "--out", str(one), "--threshold", "0.2")
    run(*files, "--out", str(many), "--threshold", "0.2", "--many")
    run(*files, "--out", str(strict), "--threshold", "0.999")
    assert len(read(many)) >= len(read(one)) > len(read(strict)) > 0
    assert all(float(r["match_probability"]) >= 0.999 for r in read(strict))


def test_evidence_adds_each_fields_level_and_weight(tmp_path):
    left, right, out = tmp_path / "l.csv", tmp_path / "r.csv", tmp_path / "m.csv"
    left.write_text(LEDGER, encoding="utf-8")
    right.write_text(ROSTER, encoding="utf-8-sig")  # with a BOM, as Excel writes UTF-8
    run(str(left), str(right), "--out", str(out), "--evidence")
    rows = read(out)
    assert {"name_level", "dob_level", "evidence"} <= set(rows[0])
    pairs = {(r["left_id"], r["right_id"]) for r in rows}
    # 王小明 / 王晓明 (same pinyin, village written without 村) and 李欣怡 / Li Xinyi.
    assert ("L1", "R1") in pairs and ("L2", "R2") in pairs
    assert not any(right == "R3" for _, right in pairs)


def test_dedupe_groups_the_records_of_one_file(generated, tmp_path):
    """A ledger and a roster pasted into one file: each child the two share becomes one group,
    and children who are not the same (siblings, twins) stay apart."""
    _, data = generated
    both = tmp_path / "both.csv"
    pd.concat([data.ledger, data.roster]).to_csv(both, index=False)
    out = tmp_path / "clusters.csv"
    stdout, _ = run("--dedupe", str(both), "--out", str(out))
    rows = read(out)
    assert list(rows[0]) == ["record_id", "cluster_id"]
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(row["cluster_id"], []).append(row["record_id"])
    grouped = {
        tuple(sorted(pair)) for members in groups.values() for pair in combinations(members, 2)
    }
    scores = pairwise_scores(grouped, {tuple(sorted(pair)) for pair in data.true_links})
    assert scores["recall"] >= 0.97
    assert scores["precision"] >= 0.97  # twins of one household are not chained together
    assert f"groups among {len(rows)} records." in stdout


def test_map_names_other_headers(tmp_path):
    left, right, out = tmp_path / "l.csv", tmp_path / "r.csv", tmp_path / "m.csv"
    left.write_text(LEDGER.replace("family_name,given_name", "surname,forename"), "utf-8")
    right.write_text(ROSTER, encoding="utf-8")
    run(str(left), str(right), "--out", str(out), "--map", "given_name=forename")
    assert ("L1", "R1") in {(r["left_id"], r["right_id"]) for r in read(out)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"colour,shoe_size\nred,3\nblue,4\n", "has no usable column"),
        (b"record_id,family_name\n", "has a header but no rows"),
        (b"record_id,family_name\nA,\xe7\x8e\x8b\nA,\xe6\x9d\x8e\n", "same record_id “A”"),
        ("record_id,family_name\n1,王\n".encode("utf-16"), "UTF-16"),
        (b"record_id,family_name\n1,\x81\x30\xff\xff\n", "neither UTF-8 nor GB18030"),
    ],
    ids=["empty", "no-usable-column", "no-rows", "duplicate-ids", "utf-16", "undecodable"],
)
def test_bad_files_get_a_clear_message_naming_the_file(tmp_path, content, message):
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(content)
    good.write_text(LEDGER, encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError) as raised:
        run(str(bad), str(good), "--out", str(out))
    assert "bad.csv" in str(raised.value) and message in str(raised.value)
    assert not out.exists()  # nothing half-written


def test_duplicate_record_ids_are_named_with_their_rows(tmp_path):
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("record_id,family_name,given_name\nA7,王,明\nB2,李,丽\nA7,张,伟\n", "utf-8")
    good.write_text(LEDGER, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run(str(bad), str(good), "--out", str(tmp_path / "out.csv"))
    text = str(raised.value)
    assert "A7" in text and "2" in text and "4" in text


def test_a_file_over_the_row_limit_is_refused_before_any_work(tmp_path):
    big, good = tmp_path / "big.csv", tmp_path / "good.csv"
    big.write_text(LEDGER + "L9,王,伟,男,2014-01-01,,上坝村,,\n" * 50, encoding="utf-8")
    good.write_text(LEDGER, encoding="utf-8")
    with pytest.raises(CommandError, match=r"big\.csv"):
        run(str(big), str(good), "--out", str(tmp_path / "out.csv"), "--max-rows", "20")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["one.csv"], "Give two files"),
        (["a.csv", "b.csv", "--dedupe", "c.csv"], "not both"),
        (["a.csv", "b.csv", "--threshold", "1.5"], r"--threshold is a probability"),
        (["a.csv", "b.csv", "--map", "family_name"], "--map entries look like"),
        (["a.csv", "b.csv", "--map", "shoe=size"], "unknown column"),
    ],
)
def test_wrong_arguments_are_explained(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(tmp_path / "out.csv"))


def test_a_missing_file_ends_with_a_message_and_no_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kinlink", "link", str(tmp_path / "nowhere.csv"),
         str(tmp_path / "neither.csv"), "--out", str(tmp_path / "out.csv")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "nowhere.csv cannot be read" in done.stderr
    assert "Traceback" not in done.stderr
