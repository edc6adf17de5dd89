"""Classification metrics and calibration in plain numpy (no torch, no sklearn).

>>> r = classification_report(["a", "b", "b"], ["a", "b", "a"], ["a", "b"])
>>> round(r.macro_f1, 3), r.per_label["b"].recall, r.confusion
(0.667, 0.5, [[1, 0], [1, 1]])
>>> round(binary_report([True, False, True], [True, True, True]).positive.f1, 3)
0.8
>>> best_threshold(np.array([0.9, 0.2, 0.6]), np.array([1, 0, 1]))[0] <= 0.6
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ClassReport",
    "LabelScores",
    "binary_report",
    "best_threshold",
    "classification_report",
    "expected_calibration_error",
    "fit_temperature",
    "log_softmax",
    "rate",
    "sigmoid",
    "softmax",
]

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
TEMPERATURES = np.exp(np.linspace(np.log(0.2), np.log(100.0), 255))  # wide heads can make logits large


@dataclass(frozen=True)
class LabelScores:
    """Precision, recall, F1 and support (gold count) of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ClassReport:
    """Per-label scores, macro-F1, accuracy and the confusion matrix (rows gold, columns predicted)."""

    labels: list[str]
    per_label: dict[str, LabelScores]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    n: int

    @property
    def positive(self) -> LabelScores:
        """Scores of the label ``"true"`` (binary reports)."""
        return self.per_label["true"]


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def rate(num: int, den: int) -> float | None:
    """num / den, or None when den is 0 (a rate over no example is undefined, not 0)."""
    return round(num / den, 4) if den else None


def classification_report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> ClassReport:
    """Scores over ``labels``; macro-F1 averages every label in ``labels`` (absent ones count 0)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g], index[p]] += 1
    per_label = {}
    for i, label in enumerate(labels):
        tp = matrix[i, i]
        precision, recall = _ratio(tp, matrix[:, i].sum()), _ratio(tp, matrix[i].sum())
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_label[label] = LabelScores(round(precision, 4), round(recall, 4), round(f1, 4), int(matrix[i].sum()))
    return ClassReport(
        labels=list(labels), per_label=per_label,
        macro_f1=round(float(np.mean([s.f1 for s in per_label.values()])), 4),
        accuracy=round(_ratio(np.trace(matrix), matrix.sum()), 4),
        confusion=matrix.tolist(), n=len(gold),
    )


def binary_report(gold: Sequence[bool], pred: Sequence[bool]) -> ClassReport:
    """A two-label report over ``"false"`` / ``"true"``."""
    names = ["false", "true"]
    return classification_report([names[bool(g)] for g in gold], [names[bool(p)] for p in pred], names)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Softmax over the last axis of ``logits / temperature``."""
    z = logits / temperature
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def sigmoid(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Logistic function of ``logits / temperature``."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits / temperature, -60, 60)))


def _nll(logits: np.ndarray, gold: np.ndarray, multiclass: bool, t: float) -> float:
    if multiclass:
        return float(-log_softmax(logits / t)[np.arange(len(gold)), gold].mean())
    p = np.clip(sigmoid(logits, t), 1e-7, 1 - 1e-7)
    return float(-(gold * np.log(p) + (1 - gold) * np.log(1 - p)).mean())


def fit_temperature(logits: np.ndarray, gold: np.ndarray, multiclass: bool) -> float:
    """Temperature scaling: the T in [0.2, 100] (log grid) minimising the NLL of ``gold``.

    ``logits``: (N, C) with class indices ``gold`` when ``multiclass``, else (N,) with 0/1 gold.
    Returns 1.0 when there is nothing to fit on.

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000); z = (2 * y - 1) * 1.0 + rng.normal(0, 1, 2000)
    >>> 0.3 < fit_temperature(z * 4, y, multiclass=False) / 4 < 0.7   # over-confident: T > 1
    True
    """
    if len(gold) == 0 or (not multiclass and len(np.unique(gold)) < 2):
        return 1.0
    losses = [_nll(logits, gold, multiclass, t) for t in TEMPERATURES]
    return round(float(TEMPERATURES[int(np.argmin(losses))]), 4)


def best_threshold(probs: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(threshold, F1 of the positive class) maximising F1 on a grid 0.05..0.95; ties -> the
    threshold closest to 0.5. Without positives: (0.5, 0.0)."""
    gold = gold.astype(bool)
    if not gold.any():
        return 0.5, 0.0
    best = (-1.0, 0.0, 0.5)
    for t in THRESHOLDS:
        pred = probs >= t
        tp = float((pred & gold).sum())
        f1 = _ratio(2 * tp, pred.sum() + gold.sum())
        key = (round(f1, 6), -abs(t - 0.5))
        if key > best[:2]:
            best = (key[0], key[1], float(t))
    return best[2], best[0]


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: |accuracy - mean confidence| per equal-width confidence bin, weighted by its share.

    ``confidence``: the probability of each predicted label; ``correct``: whether it was right.

    >>> round(expected_calibration_error(np.array([0.95, 0.95, 0.65, 0.65]), np.array([1, 1, 1, 0])), 4)
    0.1
    """
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if len(confidence) == 0:
        return 0.0
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in np.unique(which):
        inside = which == b
        total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return round(float(total), 4)
