"""``arapol.corpora.load``: a DatasetDict with fixed columns, or a clear error."""

from __future__ import annotations

import pytest
from datasets import DatasetDict

from arapol.corpora import CorpusError, load
from arapol.corpora.load import corpus_dir
from tests.corpora.conftest import Fake, standard_records

COLUMNS = ["id", "text", "source", "origin", "script", "target", "stance", "slogan", "attack",
           "attack_targets"]


def test_load_returns_dataset_dict(fake: Fake) -> None:
    ds = load("arapol-pol", fake.data, corpus_path=fake.corpus, cache_dir=fake.cache)
    assert isinstance(ds, DatasetDict) and list(ds) == ["train", "dev", "test"]
    for split in ds.values():
        assert split.column_names == COLUMNS
    assert sum(len(s) for s in ds.values()) == len(standard_records()) + 1
    rows = {r["id"]: r for split in ds.values() for r in split}
    authored = rows["authored:0001"]
    assert authored["origin"] == "authored" and authored["slogan"] is True
    assert rows["msac/msac.csv#3"]["attack_targets"] == ["GOV"]
    assert rows["narabizi/narabizi.jsonl#S2"]["target"] is None


def test_load_reads_data_dir_from_environment(fake: Fake, monkeypatch) -> None:
    monkeypatch.setenv("ARAPOL_DATA", str(fake.data))
    ds = load(corpus_path=fake.corpus, cache_dir=fake.cache)
    assert sum(len(s) for s in ds.values()) == len(standard_records()) + 1


def test_load_missing_sources_is_a_clear_error(fake: Fake) -> None:
    (fake.data / "omcd" / "omcd_train.csv").unlink()
    with pytest.raises(CorpusError, match="omcd/omcd_train.csv") as info:
        load("arapol-pol", fake.data, corpus_path=fake.corpus, cache_dir=fake.cache)
    assert "arapol corpus build" in str(info.value)


def test_unknown_corpus() -> None:
    with pytest.raises(CorpusError, match="available: arapol-pol"):
        corpus_dir("arapol-xyz")
