"""Corpus records: validated labels, record ids and JSONL files.

A real record's id is ``<file under the data dir>#<row key>``:

>>> parse_id("omcd/omcd_train.csv#2908")
RecordId(file='omcd/omcd_train.csv', key='2908', source='omcd')
>>> Labels.from_dict({"target": "PJD", "stance": "favor", "slogan": True, "attack": False,
...                   "attack_targets": []}).target
'PJD'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arapol.labels import Stance, Target

__all__ = [
    "LABEL_FIELDS",
    "LabelError",
    "Labels",
    "RecordId",
    "parse_id",
    "read_jsonl",
    "sha256",
    "write_jsonl",
]

LABEL_FIELDS = ("target", "stance", "slogan", "attack", "attack_targets")
_TARGETS = frozenset(t.value for t in Target)
_STANCES = frozenset(s.value for s in Stance)


class LabelError(ValueError):
    """A record whose labels break the scheme of ``LABELS.md``."""


@dataclass(frozen=True)
class Labels:
    """The five label fields of one post; ``attack_targets`` is kept sorted."""

    target: str | None
    stance: str
    slogan: bool
    attack: bool
    attack_targets: tuple[str, ...]

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Labels:
        """Validated labels of a record (raises :class:`LabelError` naming the problem)."""
        missing = [f for f in LABEL_FIELDS if f not in record]
        if missing:
            raise LabelError(f"missing field(s) {missing}")
        target, stance = record["target"], record["stance"]
        slogan, attack = record["slogan"], record["attack"]
        attacked = record["attack_targets"]
        if target is not None and target not in _TARGETS:
            raise LabelError(f"unknown target {target!r}")
        if stance not in _STANCES:
            raise LabelError(f"unknown stance {stance!r}")
        if target is None and stance != Stance.NONE:
            raise LabelError("stance must be 'none' when target is null")
        if not isinstance(slogan, bool) or not isinstance(attack, bool):
            raise LabelError("slogan and attack must be true or false")
        if not isinstance(attacked, list) or any(t not in _TARGETS for t in attacked):
            raise LabelError(f"attack_targets must list known targets: {attacked!r}")
        if attack != bool(attacked):
            raise LabelError("attack_targets must be non-empty exactly when attack is true")
        return cls(target, stance, slogan, attack, tuple(sorted(set(attacked))))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``attack_targets`` as a list)."""
        return {"target": self.target, "stance": self.stance, "slogan": self.slogan,
                "attack": self.attack, "attack_targets": list(self.attack_targets)}

    def differs(self, other: Labels) -> list[str]:
        """Names of the fields on which two label sets disagree."""
        return [f for f in LABEL_FIELDS if getattr(self, f) != getattr(other, f)]


@dataclass(frozen=True)
class RecordId:
    """A real record's pointer: the file under the data dir, the row key, the data set."""

    file: str
    key: str
    source: str


def parse_id(record_id: str) -> RecordId:
    """Split ``"<file>#<key>"``; raises ValueError for anything else."""
    file, sep, key = record_id.partition("#")
    if not sep or not key or "/" not in file:
        raise ValueError(f"{record_id!r} is not '<dataset>/<file>#<row key>'")
    return RecordId(file, key, file.split("/", 1)[0])


def sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of ``text`` (the hash stored for every real post)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file (blank lines skipped); errors name the file and line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{number}: invalid JSON ({err.msg})") from err


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records one JSON object a line (UTF-8, unescaped); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
