"""Hashed character n-gram features and the wide heads' NumPy side (no torch).

What the wide heads (``arapol.modeling.wide``) compute at inference, importable without torch so
that a preprocessing process can run it (``arapol.preprocess``).

>>> lin = WideLinear.zeros(1024, ["RNI", "PJD"], 3, {"stance": 1.0, "slogan": 0.5, "attack": 0.0})
>>> out = lin.logits(["صوتوا على الحمامة", "l7koma fachla"])
>>> out["stance"].shape, out["slogan"].shape
((2, 2, 3), (2,))
>>> stance_mask(["صوتوا على الحمامة", "l7koma fachla"], ["RNI", "PJD"]).tolist()
[[True, False], [True, True]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["N_FEATURES", "NGRAM_RANGE", "WIDE_HEADS", "WideLinear", "fit_idf", "stance_mask", "term_counts", "tfidf"]

WIDE_HEADS = ("stance", "slogan", "attack")
N_FEATURES = 2**18
NGRAM_RANGE = (1, 5)
ARRAYS = ("idf", "stance_weight", "stance_actor", "stance_bias", "binary_weight", "binary_bias")


def term_counts(texts: Sequence[str], n_features: int, ngram_range: Sequence[int] = NGRAM_RANGE) -> Any:
    """CSR matrix (N, n_features) of hashed character n-gram counts."""
    from sklearn.feature_extraction.text import HashingVectorizer

    hasher = HashingVectorizer(analyzer="char_wb", ngram_range=tuple(ngram_range), n_features=n_features,
                               alternate_sign=False, norm=None, lowercase=False)
    return hasher.transform(list(texts))


def stance_mask(texts: Sequence[str], actors: Sequence[str]) -> np.ndarray:
    """(N, A) bool: the actors each text names, or all of them for a text that names none."""
    from arapol.actors import find_actors

    index = {a: i for i, a in enumerate(actors)}
    mask = np.zeros((len(texts), len(actors)), dtype=bool)
    for row, text in enumerate(texts):
        for mention in find_actors(text):
            if mention.actor in index:
                mask[row, index[mention.actor]] = True
    mask[~mask.any(1)] = True
    return mask


def tfidf(counts: Any, idf: np.ndarray) -> Any:
    """``(1 + log tf) * idf``, rows L2-normalized (a new CSR matrix)."""
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float32, copy=True)
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    return normalize(x, norm="l2", copy=False)


def fit_idf(counts: Any) -> np.ndarray:
    """Smoothed idf of each bucket: ``ln((1 + n) / (1 + df)) + 1``."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return (np.log((1 + counts.shape[0]) / (1 + df)) + 1.0).astype(np.float32)


@dataclass
class WideLinear:
    """The wide heads' arrays (see ``ARRAYS``), actors, per-head ``mix`` and hashing settings."""

    arrays: dict[str, np.ndarray]
    actors: list[str]
    mix: dict[str, float]
    n_features: int = N_FEATURES
    ngram_range: tuple[int, int] = NGRAM_RANGE

    @classmethod
    def zeros(cls, n_features: int, actors: Sequence[str], n_stances: int, mix: dict[str, float],
              ngram_range: Sequence[int] = NGRAM_RANGE) -> WideLinear:
        """Empty heads (idf 1, weights 0) of the given sizes."""
        a, s = len(actors), n_stances
        arrays = {"idf": np.ones(n_features, np.float32), "stance_weight": np.zeros((n_features, s), np.float32),
                  "stance_actor": np.zeros((a, s), np.float32), "stance_bias": np.zeros(s, np.float32),
                  "binary_weight": np.zeros((n_features, 2), np.float32), "binary_bias": np.zeros(2, np.float32)}
        return cls(arrays, list(actors), {h: float(mix.get(h, 0.0)) for h in WIDE_HEADS}, n_features,
                   (int(ngram_range[0]), int(ngram_range[1])))

    def raw_logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Unscaled wide logits: stance (N, A, S), slogan (N,), attack (N,)."""
        a = self.arrays
        x = tfidf(term_counts(texts, self.n_features, self.ngram_range), a["idf"])
        stance = np.asarray(x @ a["stance_weight"]) + a["stance_bias"]
        binary = np.asarray(x @ a["binary_weight"]) + a["binary_bias"]
        stance = (stance[:, None, :] + a["stance_actor"][None]) * stance_mask(texts, self.actors)[..., None]
        return {"stance": stance, "slogan": binary[:, 0], "attack": binary[:, 1]}

    def logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Wide logits scaled by ``mix``: what is added to the encoder's logits."""
        return {head: self.mix[head] * value for head, value in self.raw_logits(texts).items()}
