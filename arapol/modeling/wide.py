"""The wide part of the arapol model: linear heads over hashed character n-grams.

Features of the model text (what the encoder reads): character 1-5-grams within word
boundaries hashed into ``n_features`` buckets (scikit-learn's ``HashingVectorizer``),
``1 + log(tf)`` times an idf learned on the training posts, rows L2-normalized: a hashed
TF-IDF. Linear logits for stance (text weights plus a per-actor offset, as the TF-IDF baseline
conditions on its target), slogan and attack are fitted with scikit-learn's logistic
regression after the encoder is fine-tuned, and added to the encoder's logits, each head
scaled by its ``mix`` (chosen with ``C`` on dev). The weights live in ``model.safetensors``
as buffers of :class:`WideHeads`; the settings in the config's ``wide`` section.

The n-grams say how a post speaks, not about whom: the wide stance logits go to the actors the
post names (``find_actors``), or to every actor when it names none (a comment under a party's
page); an actor the post does not name, beside others it does, keeps the encoder's stance alone.

>>> heads = WideHeads(1024, ["RNI", "PJD"], n_stances=3, mix={"stance": 1.0, "slogan": 0.5, "attack": 0.0})
>>> out = heads.logits(["صوتوا على الحمامة", "l7koma fachla"])
>>> out["stance"].shape, out["slogan"].shape
((2, 2, 3), (2,))
>>> stance_mask(["صوتوا على الحمامة", "l7koma fachla"], ["RNI", "PJD"]).tolist()
[[True, False], [True, True]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["C_GRID", "MIX_GRID", "N_FEATURES", "WIDE_HEADS", "WideFit", "WideHeads", "fit_wide", "stance_mask",
           "wide_config"]

WIDE_HEADS = ("stance", "slogan", "attack")
N_FEATURES = 2**18
NGRAM_RANGE = (1, 5)
C_GRID = (1.0, 3.0, 10.0)
MIX_GRID = (0.5, 1.0, 2.0, 4.0)  # mix 0 (the encoder alone) is the starting point


def wide_config(n_features: int = N_FEATURES, mix: dict[str, float] | None = None,
                c: dict[str, float] | None = None) -> dict[str, Any]:
    """The config's ``wide`` section (plain JSON)."""
    return {"n_features": n_features, "ngram_range": list(NGRAM_RANGE),
            "mix": dict(mix or dict.fromkeys(WIDE_HEADS, 1.0)), "C": dict(c or {})}


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


class WideHeads(nn.Module):
    """Buffers of the wide part (saved with the model); :meth:`logits` runs on CPU in NumPy/SciPy."""

    def __init__(self, n_features: int, actors: Sequence[str], n_stances: int, mix: dict[str, float],
                 ngram_range: Sequence[int] = NGRAM_RANGE) -> None:
        super().__init__()
        self.n_features, self.actors, self.ngram_range = n_features, list(actors), tuple(ngram_range)
        self.mix = {head: float(mix.get(head, 0.0)) for head in WIDE_HEADS}
        n_actors = len(self.actors)
        self.register_buffer("idf", torch.ones(n_features))
        self.register_buffer("stance_weight", torch.zeros(n_features, n_stances))
        self.register_buffer("stance_actor", torch.zeros(n_actors, n_stances))
        self.register_buffer("stance_bias", torch.zeros(n_stances))
        self.register_buffer("binary_weight", torch.zeros(n_features, 2))  # slogan, attack
        self.register_buffer("binary_bias", torch.zeros(2))
        self._arrays: dict[str, np.ndarray] | None = None

    def load_arrays(self, arrays: dict[str, np.ndarray]) -> WideHeads:
        """Set the buffers from NumPy arrays (after fitting)."""
        for name, value in arrays.items():
            getattr(self, name).copy_(torch.from_numpy(np.asarray(value, dtype=np.float32)))
        self._arrays = None
        return self

    def _numpy(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            self._arrays = {name: buf.detach().cpu().float().numpy() for name, buf in self.named_buffers()}
        return self._arrays

    def raw_logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Unscaled wide logits: stance (N, A, S), slogan (N,), attack (N,)."""
        a = self._numpy()
        x = tfidf(term_counts(texts, self.n_features, self.ngram_range), a["idf"])
        stance = np.asarray(x @ a["stance_weight"]) + a["stance_bias"]
        binary = np.asarray(x @ a["binary_weight"]) + a["binary_bias"]
        stance = (stance[:, None, :] + a["stance_actor"][None]) * stance_mask(texts, self.actors)[..., None]
        return {"stance": stance, "slogan": binary[:, 0], "attack": binary[:, 1]}

    def logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Wide logits scaled by ``mix``: what is added to the encoder's logits."""
        return {head: self.mix[head] * value for head, value in self.raw_logits(texts).items()}


def _stance_features(x: Any, actors: Sequence[str], targets: Sequence[str | None]) -> Any:
    from scipy.sparse import csr_matrix, hstack

    index = {a: i for i, a in enumerate(actors)}
    rows = [(r, index[t]) for r, t in enumerate(targets) if t in index]
    onehot = csr_matrix((np.ones(len(rows), dtype=np.float32), ([r for r, _ in rows], [c for _, c in rows])),
                        shape=(x.shape[0], len(actors)))
    return hstack([x, onehot]).tocsr()


def _logreg(c: float, multiclass: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000,
                              solver="lbfgs" if multiclass else "liblinear")


@dataclass
class WideFit:
    """A fitted wide part: config section, buffers, fused dev logits and the dev scores."""

    config: dict[str, Any]
    arrays: dict[str, np.ndarray]
    dev_logits: dict[str, np.ndarray]
    dev_scores: dict[str, dict[str, float]]  # head -> "C=..,mix=.." -> score


def _candidates(x: Any, x_dev: Any, dev_mask: np.ndarray, actors: Sequence[str], stance_targets: Sequence[str | None],
                stance_y: np.ndarray, binary_y: dict[str, np.ndarray], n_stances: int,
                c: float) -> dict[str, tuple[dict[str, np.ndarray], np.ndarray | None]]:
    """For one C: per head, (fitted arrays, raw dev logits)."""
    out: dict[str, tuple[dict[str, np.ndarray], np.ndarray | None]] = {}
    rows = np.array([i for i, t in enumerate(stance_targets) if t in actors and stance_y[i] >= 0], dtype=int)
    if len(rows) and len(set(stance_y[rows].tolist())) == n_stances:
        model = _logreg(c, multiclass=True).fit(
            _stance_features(x[rows], actors, [stance_targets[i] for i in rows]), stance_y[rows])
        n = x.shape[1]
        arrays = {"stance_weight": model.coef_[:, :n].T, "stance_actor": model.coef_[:, n:].T,
                  "stance_bias": model.intercept_}
        dev = np.asarray(x_dev @ arrays["stance_weight"]) + arrays["stance_bias"]
        out["stance"] = (arrays, (dev[:, None, :] + arrays["stance_actor"][None]) * dev_mask[..., None])
    for k, head in enumerate(("slogan", "attack")):
        y = binary_y[head]
        if len(set(y.tolist())) == 2:
            model = _logreg(c, multiclass=False).fit(x, y)
            out[head] = ({"binary_weight": model.coef_[0], "binary_bias": model.intercept_[0], "column": k},
                         np.asarray(x_dev @ model.coef_[0]) + model.intercept_[0])
    return out


def fit_wide(train_texts: Sequence[str], stance_targets: Sequence[str | None], stance_y: np.ndarray,
             binary_y: dict[str, np.ndarray], dev_texts: Sequence[str], dev_logits: dict[str, np.ndarray],
             score: Callable[[str, dict[str, np.ndarray]], float], actors: Sequence[str], n_stances: int,
             n_features: int = N_FEATURES, c_grid: Sequence[float] = C_GRID,
             mix_grid: Sequence[float] = MIX_GRID) -> WideFit:
    """Fit the wide heads on train; per head, keep the (C, mix) whose fused dev logits score best.

    ``stance_y`` holds each training post's stance index toward ``stance_targets`` (-1: none);
    ``score(head, logits)`` scores fused dev logits for one head; mix 0 (encoder alone) is
    always a candidate, so the wide part is used only where it helps on dev.
    """
    counts = term_counts(train_texts, n_features)
    idf = fit_idf(counts)
    x, x_dev = tfidf(counts, idf), tfidf(term_counts(dev_texts, n_features), idf)
    dev_mask = stance_mask(dev_texts, actors)
    arrays: dict[str, np.ndarray] = {
        "idf": idf, "stance_weight": np.zeros((n_features, n_stances)), "stance_actor": np.zeros((len(actors), n_stances)),
        "stance_bias": np.zeros(n_stances), "binary_weight": np.zeros((n_features, 2)), "binary_bias": np.zeros(2),
    }
    fused = {name: value.copy() for name, value in dev_logits.items()}
    mix, chosen_c, scores = dict.fromkeys(WIDE_HEADS, 0.0), {}, {head: {} for head in WIDE_HEADS}
    best = {head: (score(head, dev_logits), None, 0.0) for head in WIDE_HEADS}
    for c in c_grid:
        for head, (fitted, raw) in _candidates(x, x_dev, dev_mask, actors, stance_targets, stance_y, binary_y,
                                               n_stances, c).items():
            for m in mix_grid:
                candidate = {**dev_logits, head: dev_logits[head] + m * raw}
                s = score(head, candidate)
                scores[head][f"C={c},mix={m}"] = round(s, 4)
                if s > best[head][0]:
                    best[head] = (s, fitted, m)
                    chosen_c[head] = c
    for head, (_, fitted, m) in best.items():
        if fitted is None:
            continue
        mix[head] = m
        if head == "stance":
            arrays.update(fitted)
        else:
            column = fitted["column"]
            arrays["binary_weight"][:, column] = fitted["binary_weight"]
            arrays["binary_bias"][column] = fitted["binary_bias"]
    wide = WideHeads(n_features, actors, n_stances, mix).load_arrays(arrays)
    for head, value in wide.logits(dev_texts).items():
        fused[head] = dev_logits[head] + value
    return WideFit(wide_config(n_features, mix, chosen_c), arrays, fused, scores)
