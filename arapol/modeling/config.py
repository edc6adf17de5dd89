"""The ``arapol`` section of a model's ``config.json``: labels, actors, thresholds, calibration.

Everything a model needs besides its weights lives here as plain JSON (never a pickle).

>>> cfg = ArapolConfig.from_dict({"max_length": 64})
>>> cfg.stance_labels, cfg.max_length, cfg.thresholds["slogan"]
(['favor', 'against', 'none'], 64, 0.5)
>>> ArapolConfig.from_dict(cfg.to_dict()) == cfg
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from arapol.labels import POLITICAL_TARGETS, Stance

__all__ = ["BINARY_HEADS", "FORMAT_VERSION", "ArapolConfig", "ConfigError"]

FORMAT_VERSION = 1
# heads with a sigmoid output, each with a threshold and a temperature
BINARY_HEADS = ("slogan", "attack", "attack_targets")
CALIBRATED_HEADS = ("stance", *BINARY_HEADS)


class ConfigError(ValueError):
    """A model configuration that arapol cannot use."""


def _default_actors() -> list[str]:
    return [t.value for t in POLITICAL_TARGETS]


def _default_stances() -> list[str]:
    return [s.value for s in Stance]


@dataclass(frozen=True)
class ArapolConfig:
    """Task settings stored under ``"arapol"`` in ``config.json``.

    ``wide`` configures the hashed character n-gram heads (``arapol.modeling.wide``).
    ``temperature`` holds temperature-scaling parameters (probabilities are
    ``softmax(logits / T)`` or ``sigmoid(logit / T)``); ``thresholds`` turn the
    calibrated sigmoid probabilities into labels. ``trained`` is False for random models.
    """

    stance_labels: list[str] = field(default_factory=_default_stances)
    actors: list[str] = field(default_factory=_default_actors)
    max_length: int = 128
    head_hidden: int = 256
    dropout: float = 0.1
    thresholds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(BINARY_HEADS, 0.5))
    temperature: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CALIBRATED_HEADS, 1.0))
    normalize_preset: str = "model"
    wide: dict[str, Any] | None = None  # hashed char n-gram heads (arapol.modeling.wide), or None
    trained: bool = False
    description: str = ""
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.format_version != FORMAT_VERSION:
            raise ConfigError(f"model format version {self.format_version} is not supported "
                              f"(this arapol reads version {FORMAT_VERSION})")
        if sorted(self.stance_labels) != sorted(_default_stances()):
            raise ConfigError(f"stance_labels must be a permutation of {_default_stances()}")
        if not self.actors or len(set(self.actors)) != len(self.actors):
            raise ConfigError("actors must be a non-empty list of distinct ids")
        if self.max_length < 8:
            raise ConfigError(f"max_length must be at least 8, got {self.max_length}")
        for name in BINARY_HEADS:
            if not 0.0 <= float(self.thresholds.get(name, -1)) <= 1.0:
                raise ConfigError(f"thresholds[{name!r}] must be a probability in [0, 1]")
        for name in CALIBRATED_HEADS:
            if not float(self.temperature.get(name, 0)) > 0:
                raise ConfigError(f"temperature[{name!r}] must be a positive number")
        if self.wide is not None:
            n = self.wide.get("n_features")
            if not isinstance(n, int) or n < 16:
                raise ConfigError("wide.n_features must be an integer >= 16")
            mix = self.wide.get("mix", {})
            if set(mix) - {"stance", "slogan", "attack"} or not all(float(v) >= 0 for v in mix.values()):
                raise ConfigError("wide.mix maps stance / slogan / attack to non-negative weights")
            ngrams = self.wide.get("ngram_range", [1, 5])
            if len(ngrams) != 2 or not 1 <= ngrams[0] <= ngrams[1]:
                raise ConfigError("wide.ngram_range must be [min, max] with 1 <= min <= max")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArapolConfig:
        """Build from JSON data; unknown keys are an error (a typo must not pass silently)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown keys in the arapol config: {unknown}")
        data = dict(data)
        for name in ("thresholds", "temperature"):
            if name in data:
                data[name] = {**getattr(cls(), name), **data[name]}
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``wide`` only when set, so that a model without it reads as before)."""
        data = asdict(self)
        if data["wide"] is None:
            del data["wide"]
        return data
