"""Moroccan political actors: aliases (data file ``data/actors.json``) -> canonical ids.

>>> [m.actor for m in find_actors("صوتوا على الحمامة")]
['RNI']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["ActorMention", "find_actors"]


@dataclass(frozen=True)
class ActorMention:
    """One mention of a political actor: canonical id, surface as written, span in the input."""

    actor: str
    surface: str
    start: int
    end: int
    kind: str = "name"  # name | leader | symbol | abbreviation | institution

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_actors(text: str) -> list[ActorMention]:  # replaced by the alias matcher (issue 2)
    raise NotImplementedError
