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

__all__ = ["HashedRows", "N_FEATURES", "NGRAM_RANGE", "WIDE_HEADS", "WideLinear", "fit_idf", "stance_mask", "term_counts", "tfidf"]

WIDE_HEADS = ("stance", "slogan", "attack")
N_FEATURES = 2**18
NGRAM_RANGE = (1, 5)
ARRAYS = ("idf", "stance_weight", "stance_actor", "stance_bias", "binary_weight", "binary_bias")


@dataclass
class HashedRows:
    """Sparse rows in CSR form (``indptr``, ``indices``, ``data``) without scipy at inference.

    >>> rows = term_counts(["ab", "ab ab", ""], 1024)
    >>> rows.data[rows.indptr[0]:rows.indptr[1]].sum(), rows.data[rows.indptr[1]:rows.indptr[2]].sum(), rows.n_rows
    (np.float32(10.0), np.float32(20.0), 3)
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_features: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row_ids(self) -> np.ndarray:
        """The row of each stored value."""
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def dot(self, weight: np.ndarray) -> np.ndarray:
        """``rows @ weight`` for a dense ``weight`` of shape (n_features,) or (n_features, K)."""
        rows, w = self.row_ids(), np.asarray(weight)
        columns = w[self.indices] * (self.data[:, None] if w.ndim == 2 else self.data)
        if w.ndim == 1:
            return np.bincount(rows, weights=columns, minlength=self.n_rows)
        return np.stack([np.bincount(rows, weights=columns[:, k], minlength=self.n_rows)
                         for k in range(w.shape[1])], axis=1)

    def csr(self) -> Any:
        """The same rows as a scipy CSR matrix (for fitting with scikit-learn)."""
        from scipy.sparse import csr_matrix

        return csr_matrix((self.data, self.indices, self.indptr), shape=(self.n_rows, self.n_features))


_PRIME = np.uint64(0x100000001B3)
_CHUNK = 4096  # texts hashed at once (bounds the memory of big training sets)


def _finalize(h: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: every input bit reaches every output bit."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _hash_chunk(texts: Sequence[str], n_features: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, bucket) of every n-gram of ``texts``; rows index into ``texts``."""
    words = [t.split() for t in texts]
    flat = [w for ws in words for w in ws]
    if not flat:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    padded = np.frombuffer((" " + "  ".join(flat) + " ").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, flat), dtype=np.int64, count=len(flat)) + 2
    word = np.repeat(np.arange(len(flat)), lengths)  # the padded word of each character
    row_of_word = np.repeat(np.arange(len(texts)), [len(ws) for ws in words])
    codes = padded.astype(np.uint64) + np.uint64(1)
    rows, buckets = [], []
    h = np.zeros(len(codes), np.uint64)
    for n in range(1, hi + 1):
        m = len(codes) - n + 1  # windows [i, i + n)
        if m <= 0:
            break
        h = h[:m] * _PRIME + codes[n - 1:]
        inside = word[:m] == word[n - 1:]
        if n >= lo:
            rows.append(row_of_word[word[:m][inside]])
            buckets.append((_finalize(h[inside] ^ np.uint64(n)) % np.uint64(n_features)).astype(np.int64))
    return np.concatenate(rows), np.concatenate(buckets)


def term_counts(texts: Sequence[str], n_features: int, ngram_range: Sequence[int] = NGRAM_RANGE) -> HashedRows:
    """Counts of each text's character n-grams within word boundaries (words padded with a space),
    hashed into ``n_features`` buckets (a vectorized polynomial hash: no Python loop per n-gram)."""
    lo, hi = int(ngram_range[0]), int(ngram_range[1])
    indptr, indices, data = [np.zeros(1, np.int64)], [], []
    for start in range(0, len(texts), _CHUNK):
        chunk = texts[start:start + _CHUNK]
        rows, buckets = _hash_chunk(chunk, n_features, lo, hi)
        keys, counts = np.unique(rows * n_features + buckets, return_counts=True)
        indptr.append(indptr[-1][-1] + np.cumsum(np.bincount(keys // n_features, minlength=len(chunk))))
        indices.append(keys % n_features)
        data.append(counts.astype(np.float32))
    if not data:
        return HashedRows(indptr[0], np.zeros(0, np.int64), np.zeros(0, np.float32), n_features)
    return HashedRows(np.concatenate(indptr), np.concatenate(indices), np.concatenate(data), n_features)


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


def tfidf(counts: HashedRows, idf: np.ndarray) -> HashedRows:
    """``(1 + log tf) * idf``, rows L2-normalized."""
    data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    rows = counts.row_ids()
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.n_rows))
    data = (data / np.maximum(norms, 1e-12)[rows]).astype(np.float32)
    return HashedRows(counts.indptr, counts.indices, data, counts.n_features)


def fit_idf(counts: HashedRows) -> np.ndarray:
    """Smoothed idf of each bucket: ``ln((1 + n) / (1 + df)) + 1``."""
    df = np.bincount(counts.indices, minlength=counts.n_features)
    return (np.log((1 + counts.n_rows) / (1 + df)) + 1.0).astype(np.float32)


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
        stance = x.dot(a["stance_weight"]) + a["stance_bias"]
        binary = x.dot(a["binary_weight"]) + a["binary_bias"]
        stance = (stance[:, None, :] + a["stance_actor"][None]) * stance_mask(texts, self.actors)[..., None]
        return {"stance": stance, "slogan": binary[:, 0], "attack": binary[:, 1]}

    def logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Wide logits scaled by ``mix``: what is added to the encoder's logits."""
        return {head: self.mix[head] * value for head, value in self.raw_logits(texts).items()}
