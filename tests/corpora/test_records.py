"""Label validation, record ids and JSONL files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arapol.corpora.records import LabelError, Labels, parse_id, read_jsonl, sha256, write_jsonl
from arapol.labels import Stance, Target

TARGETS = [t.value for t in Target]


@st.composite
def valid_labels(draw: st.DrawFn) -> Labels:
    target = draw(st.none() | st.sampled_from(TARGETS))
    stance = "none" if target is None else draw(st.sampled_from([s.value for s in Stance]))
    attacked = tuple(sorted(draw(st.sets(st.sampled_from(TARGETS), max_size=3))))
    return Labels(target, stance, draw(st.booleans()), bool(attacked), attacked)


@given(valid_labels())
def test_round_trip(labels: Labels) -> None:
    assert Labels.from_dict(labels.to_dict()) == labels
    assert labels.differs(labels) == []


@pytest.mark.parametrize(("record", "message"), [
    ({"target": "pjd", "stance": "favor", "slogan": False, "attack": False, "attack_targets": []},
     "unknown target"),
    ({"target": None, "stance": "favor", "slogan": False, "attack": False, "attack_targets": []},
     "stance must be 'none'"),
    ({"target": "PJD", "stance": "pro", "slogan": False, "attack": False, "attack_targets": []},
     "unknown stance"),
    ({"target": "PJD", "stance": "none", "slogan": 1, "attack": False, "attack_targets": []},
     "true or false"),
    ({"target": "PJD", "stance": "none", "slogan": False, "attack": True, "attack_targets": []},
     "non-empty exactly"),
    ({"target": "PJD", "stance": "none", "slogan": False, "attack": False,
      "attack_targets": ["PJD"]}, "non-empty exactly"),
    ({"target": "PJD", "stance": "none", "slogan": False, "attack": True,
      "attack_targets": ["XX"]}, "known targets"),
    ({"target": "PJD"}, "missing field"),
])
def test_invalid_labels(record: dict, message: str) -> None:
    with pytest.raises(LabelError, match=message):
        Labels.from_dict(record)


def test_attack_targets_are_sorted_sets() -> None:
    x = Labels.from_dict({"target": "PAM", "stance": "against", "slogan": False, "attack": True,
                          "attack_targets": ["PJD", "PAM", "PJD"]})
    assert x.attack_targets == ("PAM", "PJD")
    y = Labels("PJD", "against", False, True, ("PAM", "PJD"))
    assert x.differs(y) == ["target"]


@pytest.mark.parametrize(("rid", "parts"), [
    ("omcd/omcd_train.csv#2908", ("omcd/omcd_train.csv", "2908", "omcd")),
    ("narabizi/narabizi.jsonl#M2S30", ("narabizi/narabizi.jsonl", "M2S30", "narabizi")),
    ("armpro/armpro_dev.jsonl#0", ("armpro/armpro_dev.jsonl", "0", "armpro")),
])
def test_parse_id(rid: str, parts: tuple[str, str, str]) -> None:
    parsed = parse_id(rid)
    assert (parsed.file, parsed.key, parsed.source) == parts


@pytest.mark.parametrize("rid", ["authored:0001", "msac.csv#1", "msac/msac.csv#", "msac/msac.csv"])
def test_parse_id_rejects(rid: str) -> None:
    with pytest.raises(ValueError):
        parse_id(rid)


def test_sha256_of_utf8() -> None:
    assert sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256("حكومة") != sha256("حكومه")


def test_jsonl_round_trip(tmp_path) -> None:
    records = [{"id": "a", "text": "ⴰⵣⵓⵍ"}, {"id": "b", "text": "l7koma"}]
    assert write_jsonl(tmp_path / "x" / "f.jsonl", records) == 2
    assert "ⴰⵣⵓⵍ" in (tmp_path / "x" / "f.jsonl").read_text(encoding="utf-8")
    assert list(read_jsonl(tmp_path / "x" / "f.jsonl")) == records


def test_bad_jsonl_names_line(tmp_path) -> None:
    (tmp_path / "f.jsonl").write_text('{"id": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match="f.jsonl:2"):
        list(read_jsonl(tmp_path / "f.jsonl"))
