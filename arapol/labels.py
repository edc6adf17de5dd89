"""The arapol label scheme (``shared/LABELS.md`` v1): targets, stance, slogan, attack.

>>> Stance("against").value
'against'
>>> Target.RNI in POLITICAL_TARGETS
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from arapol.actors import ActorMention

__all__ = [
    "POLITICAL_TARGETS",
    "ROW_COLUMNS",
    "Analysis",
    "AttackResult",
    "SloganResult",
    "Stance",
    "StanceResult",
    "Target",
]


class Target(StrEnum):
    """Canonical political actors."""

    PJD = "PJD"
    PAM = "PAM"
    RNI = "RNI"
    ISTIQLAL = "ISTIQLAL"
    USFP = "USFP"
    PPS = "PPS"
    MP = "MP"
    UC = "UC"
    FGD = "FGD"
    GOV = "GOV"
    OTHER_POL = "OTHER_POL"


POLITICAL_TARGETS: tuple[Target, ...] = tuple(Target)


class Stance(StrEnum):
    """Position of a post toward a target."""

    FAVOR = "favor"
    AGAINST = "against"
    NONE = "none"


@dataclass(frozen=True)
class StanceResult:
    """Stance toward ``target`` (None when the post names no actor and none was given)."""

    label: Stance
    target: str | None
    score: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SloganResult:
    """Campaign messaging: slogan, campaign hashtag, call to vote or boycott."""

    label: bool
    score: float


@dataclass(frozen=True)
class AttackResult:
    """Attack on political actors, with the actors attacked."""

    label: bool
    score: float
    targets: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything arapol says about one post; ``error`` is set when it could not be analysed."""

    text: str | None
    normalized: str = ""
    tokens: list[str] = field(default_factory=list)
    script: str | None = None
    lang: str | None = None
    actors: list[ActorMention] = field(default_factory=list)
    stance: StanceResult | None = None
    slogan: SloganResult | None = None
    attack: AttackResult | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enums as their values)."""
        return asdict(self, dict_factory=_json_ready)

    def to_row(self) -> dict[str, Any]:
        """The flat columns of ``arapol label`` (see ROW_COLUMNS); labels are None on error,
        actors/script/lang are None when the text could not be read at all.

        >>> Analysis(text=None, error="text is empty").to_row()["error"]
        'text is empty'
        """
        stance, slogan, attack = self.stance, self.slogan, self.attack
        return {
            "stance": stance.label.value if stance else None,
            "stance_target": stance.target if stance else None,
            "stance_score": stance.score if stance else None,
            "slogan": slogan.label if slogan else None,
            "slogan_score": slogan.score if slogan else None,
            "attack": attack.label if attack else None,
            "attack_score": attack.score if attack else None,
            "attack_targets": list(attack.targets) if attack else None,
            "actors": None if self.script is None else list(dict.fromkeys(m.actor for m in self.actors)),
            "script": self.script,
            "lang": self.lang,
            "error": self.error,
        }


# flat output columns of ``Analysis.to_row`` and ``arapol label``, with their types
ROW_COLUMNS: dict[str, str] = {
    "stance": "str",
    "stance_target": "str",
    "stance_score": "float",
    "slogan": "bool",
    "slogan_score": "float",
    "attack": "bool",
    "attack_score": "float",
    "attack_targets": "list[str]",
    "actors": "list[str]",
    "script": "str",
    "lang": "str",
    "error": "str",
}


def _json_ready(items: list[tuple[str, Any]]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in items}
