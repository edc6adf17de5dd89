"""Fixed train/dev/test splits: a record's split depends on its id alone.

Rule: ``bucket = int(sha256(id), 16) mod 10``; buckets 0-7 are ``train``, 8 ``dev``, 9 ``test``
(80/10/10). Adding posts never moves an existing one, and every source is cut by the same
hash, so each source is split about 80/10/10 (checked by :func:`split_table`).

>>> split_of("omcd/omcd_train.csv#2908") in SPLITS
True
>>> split_of("authored:0001") == split_of("authored:0001")
True
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SPLITS", "SplitRow", "bucket_of", "split_of", "split_table"]

SPLITS = ("train", "dev", "test")
_BY_BUCKET = ("train",) * 8 + ("dev", "test")


def bucket_of(record_id: str) -> int:
    """The record's hash bucket, 0-9."""
    return int(hashlib.sha256(record_id.encode("utf-8")).hexdigest(), 16) % 10


def split_of(record_id: str) -> str:
    """``train`` (buckets 0-7), ``dev`` (8) or ``test`` (9)."""
    return _BY_BUCKET[bucket_of(record_id)]


@dataclass(frozen=True)
class SplitRow:
    """Split counts of one source, with the share of each split."""

    source: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, split: str) -> float:
        """Fraction of the source's records in ``split`` (0.0 for an empty source)."""
        return self.counts.get(split, 0) / self.total if self.total else 0.0


def split_table(pairs: Iterable[tuple[str, str]]) -> list[SplitRow]:
    """Per-source split counts from ``(source, split)`` pairs, sources sorted by size.

    >>> [r.counts for r in split_table([("a", "train"), ("a", "dev")])]
    [{'train': 1, 'dev': 1, 'test': 0}]
    """
    counts: dict[str, Counter[str]] = {}
    for source, split in pairs:
        counts.setdefault(source, Counter())[split] += 1
    rows = [SplitRow(s, {k: c[k] for k in SPLITS}) for s, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.total, r.source))
