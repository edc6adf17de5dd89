"""Merging passes a/b and adjudications; Cohen's kappa between the passes."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import cohen_kappa_score

from arapol.corpora.agreement import agreement, agreement_by
from arapol.corpora.merge import disagreements, merge, read_annotations
from arapol.corpora.records import Labels, sha256, write_jsonl
from arapol.corpora.splits import split_of
from tests.corpora.conftest import labels

FAVOR = labels("PJD", "favor", True)
AGAINST = labels("PJD", "against", False, ("PJD",))
NONE = labels()


def ann(n: int, label: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": f"msac/msac.csv#{n}", "sha256": sha256(f"text {n}"), **label, **extra}


def write(root: Path, a: list, b: list, adjudicated: list | None = None) -> Path:
    write_jsonl(root / "pass_a" / "batch_000.jsonl", a)
    write_jsonl(root / "pass_b" / "batch_000.jsonl", b)
    if adjudicated is not None:
        write_jsonl(root / "adjudicated.jsonl", adjudicated)
    return root


def test_merge_outcomes(tmp_path: Path) -> None:
    root = write(tmp_path,
                 a=[ann(0, FAVOR), ann(1, FAVOR), ann(2, NONE), ann(3, AGAINST), ann(4, NONE)],
                 b=[ann(0, FAVOR), ann(1, AGAINST), ann(2, AGAINST), ann(3, AGAINST)],
                 adjudicated=[ann(2, NONE, reason="no actor named")])
    result = merge(root)
    assert result.errors == []
    by_id = {r["id"]: r for r in result.records}
    assert set(by_id) == {"msac/msac.csv#0", "msac/msac.csv#2", "msac/msac.csv#3"}
    assert (result.agreed, result.adjudicated, result.single) == (2, 1, 0)
    assert [d.id for d in result.pending] == ["msac/msac.csv#1"]
    assert result.pending[0].fields == ["stance", "slogan", "attack", "attack_targets"]
    assert result.one_pass_only == ["msac/msac.csv#4"]
    record = by_id["msac/msac.csv#2"]
    assert record["resolution"] == "adjudicated" and record["target"] is None
    assert record["origin"] == "real" and record["source"] == "msac" and record["key"] == "2"
    assert record["file"] == "msac/msac.csv" and record["sha256"] == sha256("text 2")
    assert record["split"] == split_of("msac/msac.csv#2")


def test_merge_single_and_kept_splits(tmp_path: Path) -> None:
    root = write(tmp_path, a=[ann(4, NONE)], b=[])
    result = merge(root, splits={"msac/msac.csv#4": "dev"}, allow_single=True)
    assert [(r["resolution"], r["split"]) for r in result.records] == [("single", "dev")]


@pytest.mark.parametrize(("a", "b", "adjudicated", "message"), [
    ([ann(0, FAVOR)], [ann(0, FAVOR) | {"sha256": "0" * 64}], None, "different sha256"),
    ([ann(0, FAVOR)], [ann(0, FAVOR)], [ann(0, NONE, reason="")], "without a reason"),
    ([ann(0, FAVOR) | {"stance": "pro"}], [], None, "unknown stance"),
])
def test_merge_errors(tmp_path: Path, a: list, b: list, adjudicated: list | None,
                      message: str) -> None:
    result = merge(write(tmp_path, a, b, adjudicated))
    assert any(message in e for e in result.errors), result.errors


def test_same_id_twice_in_a_pass(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "pass_a" / "batch_000.jsonl", [ann(0, FAVOR)])
    write_jsonl(tmp_path / "pass_a" / "batch_001.jsonl", [ann(0, NONE)])
    assert any("labelled differently" in e for e in read_annotations(tmp_path).errors)


def test_disagreements(tmp_path: Path) -> None:
    found = read_annotations(write(tmp_path, [ann(0, FAVOR), ann(1, NONE)],
                                   [ann(0, FAVOR), ann(1, FAVOR)]))
    assert [(d.id, d.fields) for d in disagreements(found.a, found.b)] == [
        ("msac/msac.csv#1", ["target", "stance", "slogan"])]


def L(target: str | None, stance: str = "none", slogan: bool = False,
      attacked: tuple[str, ...] = ()) -> Labels:
    return Labels(target, stance if target else "none", slogan, bool(attacked), attacked)


def test_kappa_toy_example() -> None:
    # 4 posts; the passes differ on the target of post 3 and the stance of post 2
    a = {"0": L("PJD", "favor"), "1": L("PAM", "against", attacked=("PAM",)),
         "2": L("GOV", "against"), "3": L(None)}
    b = {"0": L("PJD", "favor"), "1": L("PAM", "against", attacked=("PAM",)),
         "2": L("GOV", "none"), "3": L("GOV"), "only-b": L(None)}
    rows = {r.field: r for r in agreement(a, b)}
    assert rows["target"].n == 4 and rows["target"].observed == 0.75
    expected = cohen_kappa_score(["PJD", "PAM", "GOV", "-"], ["PJD", "PAM", "GOV", "GOV"])
    assert math.isclose(rows["target"].kappa, expected)
    # by hand: po = 3/4, pe = (1*1 + 1*1 + 1*2 + 1*0) / 16 = 1/4, kappa = (3/4-1/4)/(3/4) = 2/3
    assert math.isclose(rows["target"].kappa, 2 / 3)
    assert rows["stance"].observed == 0.75
    assert rows["attack"].kappa == pytest.approx(1.0)
    assert rows["stance|same target"].n == 3
    assert rows["slogan"].kappa is None  # one value throughout: undefined, not 0 or nan
    assert rows["all fields"].observed == 0.5


def test_kappa_with_no_overlap() -> None:
    rows = agreement({"a": L(None)}, {"b": L(None)})
    assert all(r.n == 0 and r.kappa is None for r in rows)


def test_agreement_by_source() -> None:
    a = {"msac/msac.csv#0": L("PJD", "favor"), "otam/otam.csv#0": L(None),
         "otam/otam.csv#1": L("OTHER_POL", "against")}
    b = {"msac/msac.csv#0": L("PAM", "favor"), "otam/otam.csv#0": L(None),
         "otam/otam.csv#1": L("OTHER_POL", "against")}
    groups = agreement_by(a, b, lambda rid: rid.split("/")[0])
    assert list(groups) == ["msac", "otam"]
    assert groups["msac"][0].observed == 0.0 and groups["otam"][0].kappa == 1.0
