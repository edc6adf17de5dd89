"""``scripts/adjudicate.py``: disagreements with texts, decisions with reasons."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from arapol.corpora.merge import read_annotations
from arapol.corpora.records import read_jsonl, sha256, write_jsonl
from tests.corpora.conftest import labels

_SPEC = importlib.util.spec_from_file_location(
    "adjudicate", Path(__file__).resolve().parents[2] / "scripts" / "adjudicate.py")
adjudicate = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(adjudicate)

TEXTS = ["كلنا بنكيران ولاية ثانية", "l7koma fachla", "salam"]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    work, ann = tmp_path / "work", tmp_path / "ann"
    posts = [{"id": f"msac/msac.csv#{i}", "sha256": sha256(t), "text": t}
             for i, t in enumerate(TEXTS)]
    write_jsonl(work / "batch_000.jsonl", posts)
    strip = [{k: v for k, v in p.items() if k != "text"} for p in posts]
    write_jsonl(ann / "pass_a" / "batch_000.jsonl", [
        strip[0] | labels("PJD", "favor", True), strip[1] | labels("GOV", "against", False, ("GOV",)),
        strip[2] | labels()])
    write_jsonl(ann / "pass_b" / "batch_000.jsonl", [
        strip[0] | labels("PJD", "favor", False), strip[1] | labels("GOV", "against"),
        strip[2] | labels()])
    return work, ann


def test_show_lists_disagreements_with_texts(setup) -> None:
    work, ann = setup
    lines = adjudicate.show(adjudicate.batch(work, 0), read_annotations(ann))
    assert lines[0] == f"0\tmsac\t{TEXTS[0]}"
    assert lines[1] == "  a:\t0\tPJD\tfavor\t1\t0\t-"
    assert lines[2] == "  b:\t0\tPJD\tfavor\t0\t0\t-"
    assert lines[3] == "  differ: slogan"
    assert any(line.startswith("1\tmsac\t") for line in lines)
    assert not any(line.startswith("2\t") for line in lines)  # agreed: not shown


@pytest.mark.parametrize(("line", "expected"), [
    ("0\ta\tkolna is a campaign chant\n", labels("PJD", "favor", True)),
    ("1\tB\tcriticism, not an attack\n", labels("GOV", "against")),
    ("1\tgov\tagainst\t0\t1\tgov\tfachla = incompetent\n", labels("GOV", "against", False, ("GOV",))),
    ("2\t-\tnone\t0\t0\t-\tnothing political\n", labels()),
])
def test_parse_decision(setup, line: str, expected: dict) -> None:
    work, ann = setup
    records = adjudicate.batch(work, 0)
    decision = adjudicate.parse_decision(line, records, read_annotations(ann))
    assert {k: decision[k] for k in expected} == expected
    assert decision["id"] == records[int(line[0])]["id"] and decision["reason"]
    assert decision["sha256"] == sha256(TEXTS[int(line[0])])


@pytest.mark.parametrize(("line", "message"), [
    ("0\ta\t\n", "reason is required"),
    ("0\tc\twhy\n", "not a pass"),
    ("7\ta\twhy\n", "no post"),
    ("0\tPJD\tfavor\tok\n", "3 or 7"),
    ("0\tPJD\tfavor\n", "7 cells"),
    ("0\tPJD\tfavor\tyes\t0\t-\twhy\n", "1 or 0"),
    ("0\t-\tfavor\t0\t0\t-\twhy\n", "stance must be 'none'"),
])
def test_parse_decision_errors(setup, line: str, message: str) -> None:
    work, ann = setup
    with pytest.raises(ValueError, match=message):
        adjudicate.parse_decision(line, adjudicate.batch(work, 0), read_annotations(ann))


def test_save_then_status_and_merge(setup, monkeypatch, capsys) -> None:
    work, ann = setup
    args = ["--work", str(work), "--annotations", str(ann)]
    monkeypatch.setattr("sys.stdin", ["0\ta\tchant\n", "1\tb\tpolicy criticism\n"])
    adjudicate.main(["save", "0", *args])
    assert json.loads(capsys.readouterr().out)["undecided_in_batch_000"] == 0
    saved = list(read_jsonl(ann / "adjudicated.jsonl"))
    assert [(r["id"], r["reason"]) for r in saved] == [
        ("msac/msac.csv#0", "chant"), ("msac/msac.csv#1", "policy criticism")]
    monkeypatch.setattr("sys.stdin", ["1\ta\tfachla is an attack after all\n"])
    adjudicate.main(["save", "0", *args])  # replaces the decision on post 1
    saved = {r["id"]: r for r in read_jsonl(ann / "adjudicated.jsonl")}
    assert len(saved) == 2 and saved["msac/msac.csv#1"]["attack"] is True
    capsys.readouterr()
    adjudicate.main(["status", *args])
    assert capsys.readouterr().out.splitlines()[1] == "batch_000\t3\t3\t2\t2\t0"


def test_bad_lines_save_nothing(setup, monkeypatch) -> None:
    work, ann = setup
    monkeypatch.setattr("sys.stdin", ["0\ta\tok\n", "1\tz\tbad\n"])
    with pytest.raises(SystemExit, match="nothing saved"):
        adjudicate.main(["save", "0", "--work", str(work), "--annotations", str(ann)])
    assert not (ann / "adjudicated.jsonl").exists()
