"""Corpus counts: every dimension (origin, source, labels, script...) broken down by split.

>>> rows = [{"split": "train", "origin": "real", "target": None, "slogan": True},
...         {"split": "dev", "origin": "real", "target": "PJD", "slogan": False}]
>>> s = corpus_stats(rows)
>>> s.tables["target"]["-"]
{'train': 1, 'dev': 0, 'test': 0, 'total': 1}
>>> s.tables["slogan"]["true"]["total"]
1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from arapol.corpora.splits import SPLITS

__all__ = ["DIMENSIONS", "CorpusStats", "corpus_stats"]

DIMENSIONS = ("origin", "source", "script", "target", "stance", "slogan", "attack",
              "attack_targets", "resolution")


@dataclass
class CorpusStats:
    """``tables[dimension][value][split or "total"]`` = number of posts."""

    total: int
    splits: dict[str, int]
    tables: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _values(row: dict[str, Any], dimension: str) -> list[str]:
    value = row.get(dimension)
    if dimension == "attack_targets":  # one count per attacked actor
        return list(value or [])
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return ["-" if value is None else str(value)]


def corpus_stats(rows: Iterable[dict[str, Any]]) -> CorpusStats:
    """Counts per split for each dimension that the rows carry."""
    rows = list(rows)
    splits = Counter(r["split"] for r in rows)
    stats = CorpusStats(len(rows), {s: splits[s] for s in SPLITS})
    for dimension in DIMENSIONS:
        if not any(dimension in r for r in rows):
            continue
        counts: dict[str, Counter[str]] = {}
        for row in rows:
            for value in _values(row, dimension):
                counts.setdefault(value, Counter())[row["split"]] += 1
        stats.tables[dimension] = {
            value: {**{s: c[s] for s in SPLITS}, "total": sum(c.values())}
            for value, c in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        }
    return stats
