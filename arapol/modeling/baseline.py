"""Baselines: character n-gram TF-IDF + logistic regression, and the majority class.

Same inputs, same splits and same outputs as the arapol model, so that the numbers sit side
by side: :class:`TfidfMultiTask` and :class:`MajorityMultiTask` give
:class:`~arapol.modeling.evaluate.PostPredictions`; :class:`TfidfClassifier` is the
single-label version (OMCD, Mawqif, ElecMorocco2016).

- Features: TF-IDF of character 1-5-grams within word boundaries (``char_wb``, sublinear tf)
  of ``normalize(text, "model")``, the text the encoder sees.
- Stance: the features plus a one-hot of the stance target (gold target, else main actor),
  trained on posts that have one; posts with neither get ``none`` by rule, as in the model.
- Slogan, attack: binary classifiers with balanced class weights; thresholds chosen on dev.
- ``C`` chosen on dev from a small grid (dev is never test).

>>> texts = ["صوتوا على الحمامة", "الحكومة فاشلة", "صوتوا على المصباح", "الحكومة كذابة"] * 5
>>> clf = TfidfClassifier().fit(texts, ["slogan", "attack"] * 10, texts, ["slogan", "attack"] * 10)
>>> clf.predict(["صوتوا يا ناس"])
['slogan']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arapol.modeling.data import Post, stance_target
from arapol.modeling.evaluate import PostPredictions
from arapol.modeling.metrics import best_threshold, classification_report
from arapol.text.normalize import normalize

__all__ = ["C_GRID", "MajorityMultiTask", "TfidfClassifier", "TfidfMultiTask", "logreg", "vectorizer", "with_onehot"]

C_GRID = (0.3, 1.0, 3.0, 10.0)
STANCES = ("favor", "against", "none")


def vectorizer() -> Any:
    """The TF-IDF vectorizer of every baseline (character 1-5-grams in word boundaries)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), min_df=2, sublinear_tf=True,
                           max_features=300_000, preprocessor=lambda t: normalize(t, "model"))


def logreg(c: float, multiclass: bool) -> Any:
    """The logistic regression of the baselines and the wide heads (balanced class weights)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000,
                              solver="lbfgs" if multiclass else "liblinear")


def with_onehot(x: Any, names: Sequence[str], values: Sequence[str | None]) -> Any:
    """``x`` (sparse, N rows) with a one-hot block of ``values`` over ``names`` appended; a value
    not among ``names`` gives a row of zeros.

    >>> from scipy.sparse import csr_matrix
    >>> with_onehot(csr_matrix([[0.5], [0.25]]), ["PJD", "RNI"], ["RNI", None]).toarray().tolist()
    [[0.5, 0.0, 1.0], [0.25, 0.0, 0.0]]
    """
    from scipy.sparse import csr_matrix, hstack

    index = {name: i for i, name in enumerate(names)}
    rows = [(r, index[v]) for r, v in enumerate(values) if v in index]
    onehot = csr_matrix((np.ones(len(rows), dtype=x.dtype), ([r for r, _ in rows], [c for _, c in rows])),
                        shape=(x.shape[0], len(names)))
    return hstack([x, onehot]).tocsr()


def _macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    labels = sorted(set(gold) | set(pred))
    return classification_report(list(gold), list(pred), labels).macro_f1


@dataclass
class TfidfClassifier:
    """Single-label TF-IDF + logistic regression; ``C`` picked by dev macro-F1.

    ``pairs`` (e.g. Mawqif's target) become a one-hot block next to the text features.
    """

    chosen_c: float = 1.0
    dev_scores: dict[float, float] = field(default_factory=dict)
    _vec: Any = None
    _pairs: list[str] = field(default_factory=list)
    _model: Any = None

    def _features(self, texts: Sequence[str], pairs: Sequence[str | None] | None, fit: bool = False) -> Any:
        x = self._vec.fit_transform(texts) if fit else self._vec.transform(texts)
        if pairs is None or all(p is None for p in pairs):
            return x
        if fit:
            self._pairs = sorted({str(p) for p in pairs})
        return with_onehot(x, self._pairs, [str(p) for p in pairs])

    def fit(self, texts: Sequence[str], labels: Sequence[str], dev_texts: Sequence[str], dev_labels: Sequence[str],
            pairs: Sequence[str | None] | None = None, dev_pairs: Sequence[str | None] | None = None,
            ) -> TfidfClassifier:
        """Fit on train for each C in C_GRID, keep the best on dev, refit nothing (train only)."""
        self._vec = vectorizer()
        x = self._features(texts, pairs, fit=True)
        x_dev = self._features(dev_texts, dev_pairs)
        multiclass = len(set(labels)) > 2
        best = None
        for c in C_GRID:
            model = logreg(c, multiclass).fit(x, list(labels))
            self.dev_scores[c] = _macro_f1(dev_labels, model.predict(x_dev).tolist())
            if best is None or self.dev_scores[c] > self.dev_scores[best[0]]:
                best = (c, model)
        assert best is not None
        self.chosen_c, self._model = best
        return self

    def predict(self, texts: Sequence[str], pairs: Sequence[str | None] | None = None) -> list[str]:
        """Predicted labels."""
        return [str(y) for y in self._model.predict(self._features(texts, pairs))]


@dataclass
class _Binary:
    model: Any
    threshold: float
    c: float


def _fit_binary(x: Any, y: np.ndarray, x_dev: Any, y_dev: np.ndarray) -> _Binary:
    """Best (C, threshold) by dev F1 of the positive class."""
    best: tuple[float, _Binary] | None = None
    for c in C_GRID:
        model = logreg(c, multiclass=False).fit(x, y)
        threshold, f1 = best_threshold(model.predict_proba(x_dev)[:, 1], y_dev)
        if best is None or f1 > best[0]:
            best = (f1, _Binary(model, threshold, c))
    assert best is not None
    return best[1]


@dataclass
class TfidfMultiTask:
    """Stance (text + target one-hot), slogan and attack baselines; attacked actor = the
    stance target of a predicted attack (else OTHER_POL)."""

    actors: list[str]
    stance_c: float = 1.0
    slogan: _Binary | None = None
    attack: _Binary | None = None
    _vec: Any = None
    _stance: Any = None

    def fit(self, train: Sequence[Post], dev: Sequence[Post]) -> TfidfMultiTask:
        """Fit the three classifiers; C and thresholds from ``dev``."""
        self._vec = vectorizer()
        x, x_dev = self._vec.fit_transform([p.text for p in train]), self._vec.transform([p.text for p in dev])
        targets, dev_targets = [stance_target(p) for p in train], [stance_target(p) for p in dev]
        rows = [i for i, t in enumerate(targets) if t in self.actors]
        dev_rows = [i for i, t, p in zip(range(len(dev)), dev_targets, dev, strict=True)
                    if t in self.actors and p.target is not None]
        xs = with_onehot(x[rows], self.actors, [targets[i] for i in rows])
        xs_dev = with_onehot(x_dev[dev_rows], self.actors, [dev_targets[i] for i in dev_rows])
        best = None
        for c in C_GRID:
            model = logreg(c, multiclass=True).fit(xs, [train[i].stance for i in rows])
            score = classification_report([dev[i].stance for i in dev_rows], model.predict(xs_dev).tolist(),
                                          list(STANCES)).macro_f1
            if best is None or score > best[0]:
                best = (score, c, model)
        assert best is not None
        _, self.stance_c, self._stance = best
        for name in ("slogan", "attack"):
            y = np.array([getattr(p, name) for p in train], dtype=int)
            y_dev = np.array([getattr(p, name) for p in dev], dtype=int)
            setattr(self, name, _fit_binary(x, y, x_dev, y_dev))
        return self

    def predict(self, posts: Sequence[Post]) -> PostPredictions:
        """Labels for ``posts`` (stance toward the gold target, else the main actor)."""
        x = self._vec.transform([p.text for p in posts])
        targets = [stance_target(p) for p in posts]
        stance = ["none"] * len(posts)
        rows = [i for i, t in enumerate(targets) if t in self.actors]
        if rows:
            for i, label in zip(rows, self._stance.predict(with_onehot(x[rows], self.actors, [targets[i] for i in rows])),
                                strict=True):
                stance[i] = str(label)
        assert self.slogan is not None and self.attack is not None
        slogan = self.slogan.model.predict_proba(x)[:, 1] >= self.slogan.threshold
        attack = self.attack.model.predict_proba(x)[:, 1] >= self.attack.threshold
        return PostPredictions(
            stance=stance, stance_targets=targets, slogan=[bool(s) for s in slogan],
            attack=[bool(a) for a in attack],
            attack_targets=[((t or "OTHER_POL"),) if a else () for t, a in zip(targets, attack, strict=True)],
        )

    @property
    def settings(self) -> dict[str, Any]:
        """Chosen C values and thresholds (for the record)."""
        assert self.slogan is not None and self.attack is not None
        return {"stance_C": self.stance_c, "slogan_C": self.slogan.c, "slogan_threshold": self.slogan.threshold,
                "attack_C": self.attack.c, "attack_threshold": self.attack.threshold}


@dataclass
class MajorityMultiTask:
    """The most frequent training label of each task, for every post (stance: most frequent
    among posts with a gold target)."""

    stance: str = "none"
    slogan: bool = False
    attack: bool = False

    def fit(self, train: Sequence[Post]) -> MajorityMultiTask:
        """Count the labels of ``train``."""
        with_target = [p.stance for p in train if p.target is not None] or ["none"]
        self.stance = Counter(with_target).most_common(1)[0][0]
        self.slogan = Counter(p.slogan for p in train).most_common(1)[0][0]
        self.attack = Counter(p.attack for p in train).most_common(1)[0][0]
        return self

    def predict(self, posts: Sequence[Post]) -> PostPredictions:
        """The same labels for every post."""
        targets = [stance_target(p) for p in posts]
        return PostPredictions(
            stance=[self.stance] * len(posts), stance_targets=targets, slogan=[self.slogan] * len(posts),
            attack=[self.attack] * len(posts),
            attack_targets=[((t or "OTHER_POL"),) if self.attack else () for t in targets],
        )
