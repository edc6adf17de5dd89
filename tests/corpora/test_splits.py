"""Fixed splits: stable per record, 80/10/10 overall and within each source."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from arapol.corpora.splits import SPLITS, bucket_of, split_of, split_table

EXPECTED = {"train": 0.8, "dev": 0.1, "test": 0.1}


@given(st.text(min_size=1, max_size=80))
def test_split_depends_on_the_id_only(record_id: str) -> None:
    assert split_of(record_id) == split_of(str(record_id)) in SPLITS
    assert 0 <= bucket_of(record_id) <= 9


def test_known_ids_never_move() -> None:
    # pinned values: a change of rule would silently reshuffle the corpus
    assert [split_of(f"msac/msac.csv#{i}") for i in range(12)] == [
        "test", "train", "train", "dev", "train", "train", "train", "test", "test", "dev",
        "train", "dev"]
    assert split_of("omcd/omcd_train.csv#2908") == split_of("authored:0001") == "train"


def test_adding_records_never_moves_existing_ones() -> None:
    before = {f"src/a.csv#{i}": split_of(f"src/a.csv#{i}") for i in range(500)}
    after = {f"src/a.csv#{i}": split_of(f"src/a.csv#{i}") for i in range(1000)}
    assert all(after[k] == v for k, v in before.items())


def test_proportions_overall() -> None:
    counts = Counter(split_of(f"data/file.csv#{i}") for i in range(20000))
    for split, share in EXPECTED.items():
        assert abs(counts[split] / 20000 - share) < 0.01, (split, counts)


def test_proportions_within_each_source() -> None:
    pairs = [(src, split_of(f"{src}/{src}.csv#{i}"))
             for src in ("elecmorocco2016", "msac", "otam", "narabizi") for i in range(3000)]
    for row in split_table(pairs):
        assert row.total == 3000
        for split, share in EXPECTED.items():
            assert abs(row.share(split) - share) < 0.025, (row.source, split, row.counts)


def test_split_table_orders_by_size() -> None:
    rows = split_table([("a", "train"), ("b", "dev"), ("b", "test")])
    assert [r.source for r in rows] == ["b", "a"]
    assert rows[0].counts == {"train": 0, "dev": 1, "test": 1}
    assert rows[1].share("train") == 1.0
