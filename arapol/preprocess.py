"""The pipeline's preprocessing step, without torch: what a preprocessing process runs.

Per post: ``detect``, ``normalize`` (the model's preset), ``tokenize``, ``find_actors`` and the
stance target (the one given, else the post's main actor); per window of posts: the distinct
model texts and, for a model with wide heads, their n-gram logits. Bad input gives an
Analysis with ``error`` set, never an exception.

>>> pre = Preprocessor("model", ["PJD", "RNI", "GOV"], max_chars=1024)
>>> window = pre.window(["صوتوا على الحمامة", None, "صوتوا على الحمامة"], [None, None, "pjd"])
>>> [a.error for a in window.analyses], window.targets, len(window.unique)
([None, 'text is missing (None)', None], ['RNI', None, 'PJD'], 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from arapol.actors import find_actors, main_actor
from arapol.labels import Analysis
from arapol.modeling.ngrams import WideLinear
from arapol.text.detect import detect
from arapol.text.normalize import normalize
from arapol.text.tokenize import tokenize

__all__ = ["Preprocessor", "Window", "init_worker", "missing", "text_error", "worker_window"]


def missing(value: Any) -> str | None:
    """How a missing value is spelled (None, NaN, pandas.NA), or None if it is not missing."""
    if value is None:
        return "None"
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if type(value).__name__ == "NAType":
        return "NA"
    return None


def text_error(text: Any) -> str | None:
    """Why ``text`` cannot be labelled, or None."""
    if (absent := missing(text)) is not None:
        return f"text is missing ({absent})"
    if not isinstance(text, str):
        return f"text is not a string ({type(text).__name__})"
    if not text.strip():
        return "text is empty"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return f"text has a lone surrogate at {e.start} (invalid UTF-8 in the input?)"
    return None


def _no_target(target: Any) -> bool:
    return missing(target) is not None or (isinstance(target, str) and not target.strip())


@dataclass
class Window:
    """Prepared posts: partial analyses, their stance targets, the distinct model texts
    (text -> row of the forward pass) and the wide logits of those texts (or None)."""

    analyses: list[Analysis]
    targets: list[str | None]
    unique: dict[str, int]
    wide: dict[str, np.ndarray] | None = None


@dataclass
class Preprocessor:
    """Picklable preprocessing settings of a model (see the module docstring)."""

    normalize_preset: str
    actors: list[str]
    max_chars: int
    wide: WideLinear | None = None

    def resolve_target(self, target: Any, analysis: Analysis) -> tuple[str | None, str | None]:
        """(actor id or None, error or None)."""
        if _no_target(target):
            actor = main_actor(analysis.actors)
            if actor is None:
                return None, None
        elif not isinstance(target, str):
            return None, f"target is not a string ({type(target).__name__})"
        else:
            actor = target.strip().upper()
        if actor not in self.actors:
            return None, f"unknown target {actor!r}; this model knows {', '.join(self.actors)}"
        return actor, None

    def prepare(self, text: Any, target: Any) -> tuple[Analysis, str | None]:
        """A partial Analysis (or one with ``error``) and the stance target."""
        error = text_error(text)
        if error is not None:
            return Analysis(text=text if isinstance(text, str) else None, error=error), None
        try:
            detection = detect(text)
            analysis = Analysis(
                text=text,
                normalized=normalize(text, self.normalize_preset),
                tokens=tokenize(text),
                script=detection.script,
                lang=detection.lang,
                actors=find_actors(text),
            )
        except Exception as e:  # one unprocessable post never stops a batch
            return Analysis(text=text, error=f"preprocessing failed: {type(e).__name__}: {e}"), None
        if not analysis.normalized.strip():
            analysis.error = "text is empty after normalization"
            return analysis, None
        actor, analysis.error = self.resolve_target(target, analysis)
        return analysis, actor

    def model_text(self, analysis: Analysis) -> str:
        """The text the model reads: the normalized post, cut at ``max_chars``."""
        return (analysis.normalized or "")[:self.max_chars]

    def window(self, texts: Sequence[Any], targets: Sequence[Any]) -> Window:
        """Prepare a window of posts; identical model texts are run once."""
        prepared = [self.prepare(text, target) for text, target in zip(texts, targets, strict=True)]
        unique: dict[str, int] = {}
        for analysis, _ in prepared:
            if analysis.error is None:
                unique.setdefault(self.model_text(analysis), len(unique))
        wide = self.wide.logits(list(unique)) if self.wide is not None and unique else None
        return Window([a for a, _ in prepared], [t for _, t in prepared], unique, wide)


# A worker process (``arapol.pipeline``'s preprocessing workers) holds one Preprocessor. These
# functions live here, not in the pipeline, so that a worker never imports torch.
_WORKER: Preprocessor | None = None


def init_worker(pre: Preprocessor) -> None:
    """Keep ``pre`` for :func:`worker_window` (a process pool's initializer)."""
    global _WORKER
    _WORKER = pre


def worker_window(texts: list[Any], targets: list[Any]) -> Window:
    """:meth:`Preprocessor.window` in a worker set up by :func:`init_worker`."""
    if _WORKER is None:
        raise RuntimeError("init_worker was not called in this process")
    return _WORKER.window(texts, targets)

