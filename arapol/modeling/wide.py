"""The wide part of the arapol model: linear heads over hashed character n-grams.

Features of the model text (what the encoder reads): character 1-5-grams within word
boundaries hashed into ``n_features`` buckets (:func:`arapol.modeling.ngrams.term_counts`),
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
>>> heads.logits(["صوتوا على الحمامة", "l7koma fachla"])["stance"].shape
(2, 2, 3)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from arapol.modeling.baseline import logreg, with_onehot
from arapol.modeling.ngrams import (
    ARRAYS,
    N_FEATURES,
    NGRAM_RANGE,
    WIDE_HEADS,
    WideLinear,
    fit_idf,
    stance_mask,
    term_counts,
    tfidf,
)

__all__ = ["C_GRID", "MIX_GRID", "WideFit", "WideHeads", "fit_auxiliary", "fit_wide", "wide_config"]
C_GRID = (1.0, 3.0, 10.0, 30.0)
AUX_C = 3.0  # the auxiliary tasks' logistic regressions
MIX_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 64.0)  # mix 0: the encoder alone; 64: nearly the wide part alone


def wide_config(n_features: int = N_FEATURES, mix: dict[str, float] | None = None,
                c: dict[str, float] | None = None) -> dict[str, Any]:
    """The config's ``wide`` section (plain JSON)."""
    return {"n_features": n_features, "ngram_range": list(NGRAM_RANGE),
            "mix": dict(mix or dict.fromkeys(WIDE_HEADS, 1.0)), "C": dict(c or {})}


class WideHeads(nn.Module):
    """Buffers of the wide part (saved with the model); inference runs in NumPy (:meth:`linear`)."""

    def __init__(self, n_features: int, actors: Sequence[str], n_stances: int, mix: dict[str, float],
                 ngram_range: Sequence[int] = NGRAM_RANGE) -> None:
        super().__init__()
        empty = WideLinear.zeros(n_features, actors, n_stances, mix, ngram_range)
        self.n_features, self.actors, self.ngram_range, self.mix = n_features, empty.actors, empty.ngram_range, empty.mix
        for name in ARRAYS:
            self.register_buffer(name, torch.from_numpy(empty.arrays[name]).clone())
        self._linear: WideLinear | None = None

    def load_arrays(self, arrays: dict[str, np.ndarray]) -> WideHeads:
        """Set the buffers from NumPy arrays (after fitting)."""
        for name, value in arrays.items():
            getattr(self, name).copy_(torch.from_numpy(np.asarray(value, dtype=np.float32)))
        self._linear = None
        return self

    def linear(self) -> WideLinear:
        """The torch-free NumPy side (sharing memory with the CPU buffers)."""
        if self._linear is None:
            arrays = {name: getattr(self, name).detach().cpu().float().numpy() for name in ARRAYS}
            self._linear = WideLinear(arrays, self.actors, self.mix, self.n_features, self.ngram_range)
        return self._linear

    def raw_logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Unscaled wide logits: stance (N, A, S), slogan (N,), attack (N,)."""
        return self.linear().raw_logits(texts)

    def logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Wide logits scaled by ``mix``: what is added to the encoder's logits."""
        return self.linear().logits(texts)


@dataclass
class WideFit:
    """A fitted wide part: config section, buffers, fused dev logits and the dev scores."""

    config: dict[str, Any]
    arrays: dict[str, np.ndarray]
    dev_logits: dict[str, np.ndarray]
    dev_scores: dict[str, dict[str, float]]  # head -> "C=..,mix=.." -> score


def fit_auxiliary(tasks: Sequence[tuple[Sequence[str], np.ndarray]], idf: np.ndarray, n_features: int,
                  c: float = AUX_C) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per auxiliary task (model texts, 0/1 labels) over the same hashed
    TF-IDF: weights (n_features, K) and biases (K,). Their logits become K extra features of the
    wide heads, folded back into the heads' weights after fitting (:func:`_fold`)."""
    weights, biases = [], []
    for texts, labels in tasks:
        model = logreg(c, multiclass=False).fit(tfidf(term_counts(texts, n_features), idf).csr(), labels)
        weights.append(model.coef_[0])
        biases.append(model.intercept_[0])
    return np.stack(weights, axis=1), np.array(biases)


def _fold(coef: np.ndarray, bias: Any, n: int, aux: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, Any]:
    """Weights over ``n`` hashed features from weights over [features, auxiliary logits]:
    ``x @ w + c @ (x @ W_aux + b_aux) = x @ (w + W_aux @ c) + b_aux @ c``."""
    if aux is None:
        return coef[:n], bias
    k = aux[0].shape[1]
    return coef[:n] + aux[0] @ coef[n:n + k], bias + aux[1] @ coef[n:n + k]


def _with_auxiliary(x: Any, aux: tuple[np.ndarray, np.ndarray] | None) -> Any:
    """``x`` with the auxiliary tasks' logits appended as columns (``x`` itself without them)."""
    from scipy.sparse import csr_matrix, hstack

    return x if aux is None else hstack([x, csr_matrix(np.asarray(x @ aux[0]) + aux[1])]).tocsr()


def _candidates(features: Any, x_dev: Any, dev_mask: np.ndarray, actors: Sequence[str],
                stance_targets: Sequence[str | None], stance_y: np.ndarray, binary_y: dict[str, np.ndarray],
                n_stances: int, c: float, aux: tuple[np.ndarray, np.ndarray] | None = None,
                ) -> dict[str, tuple[dict[str, np.ndarray], np.ndarray | None]]:
    """For one C: per head, (fitted arrays, raw dev logits). ``features``: the training rows
    (:func:`_with_auxiliary`); ``aux``: the auxiliary weights and biases folded into the arrays."""
    out: dict[str, tuple[dict[str, np.ndarray], np.ndarray | None]] = {}
    n, k = x_dev.shape[1], 0 if aux is None else aux[0].shape[1]
    rows = np.array([i for i, t in enumerate(stance_targets) if t in actors and stance_y[i] >= 0], dtype=int)
    if len(rows) and len(set(stance_y[rows].tolist())) == n_stances:
        model = logreg(c, multiclass=True).fit(
            with_onehot(features[rows], actors, [stance_targets[i] for i in rows]), stance_y[rows])
        weight, bias = _fold(model.coef_.T, model.intercept_, n, aux)
        arrays = {"stance_weight": weight, "stance_actor": model.coef_[:, n + k:].T, "stance_bias": bias}
        dev = np.asarray(x_dev @ arrays["stance_weight"]) + arrays["stance_bias"]
        out["stance"] = (arrays, (dev[:, None, :] + arrays["stance_actor"][None]) * dev_mask[..., None])
    for column, head in enumerate(("slogan", "attack")):
        y = binary_y[head]
        if len(set(y.tolist())) == 2:
            model = logreg(c, multiclass=False).fit(features, y)
            weight, bias = _fold(model.coef_[0], model.intercept_[0], n, aux)
            out[head] = ({"binary_weight": weight, "binary_bias": bias, "column": column},
                         np.asarray(x_dev @ weight) + bias)
    return out


def fit_wide(train_texts: Sequence[str], stance_targets: Sequence[str | None], stance_y: np.ndarray,
             binary_y: dict[str, np.ndarray], dev_texts: Sequence[str], dev_logits: dict[str, np.ndarray],
             score: Callable[[str, dict[str, np.ndarray]], float], actors: Sequence[str], n_stances: int,
             n_features: int = N_FEATURES, c_grid: Sequence[float] = C_GRID,
             mix_grid: Sequence[float] = MIX_GRID,
             auxiliary: Sequence[tuple[Sequence[str], np.ndarray]] = ()) -> WideFit:
    """Fit the wide heads on train; per head, keep the (C, mix) whose fused dev logits score best.

    ``stance_y`` holds each training post's stance index toward ``stance_targets`` (-1: none);
    ``score(head, logits)`` scores fused dev logits for one head; mix 0 (encoder alone) is
    always a candidate, so the wide part is used only where it helps on dev. ``auxiliary``:
    (model texts, 0/1 labels) of related tasks (sentiment, offensiveness) whose logits are extra
    features, folded into the heads' weights (:func:`fit_auxiliary`): nothing changes at inference.
    """
    counts = term_counts(train_texts, n_features)
    idf = fit_idf(counts)
    x, x_dev = tfidf(counts, idf).csr(), tfidf(term_counts(dev_texts, n_features), idf).csr()
    aux = fit_auxiliary(auxiliary, idf, n_features) if auxiliary else None
    features = _with_auxiliary(x, aux)  # once: every C of the grid fits on the same rows
    dev_mask = stance_mask(dev_texts, actors)
    arrays: dict[str, np.ndarray] = {
        "idf": idf, "stance_weight": np.zeros((n_features, n_stances)), "stance_actor": np.zeros((len(actors), n_stances)),
        "stance_bias": np.zeros(n_stances), "binary_weight": np.zeros((n_features, 2)), "binary_bias": np.zeros(2),
    }
    fused = {name: value.copy() for name, value in dev_logits.items()}
    mix, chosen_c, scores = dict.fromkeys(WIDE_HEADS, 0.0), {}, {head: {} for head in WIDE_HEADS}
    best = {head: (score(head, dev_logits), None, 0.0) for head in WIDE_HEADS}
    for c in c_grid:
        for head, (fitted, raw) in _candidates(features, x_dev, dev_mask, actors, stance_targets, stance_y,
                                               binary_y, n_stances, c, aux).items():
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
