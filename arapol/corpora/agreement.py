"""Inter-annotator agreement between pass a and pass b: Cohen's kappa per field.

Only posts labelled in both passes count. ``target`` treats "no actor" as its own category;
``attack_targets`` compares the sets; ``stance|same target`` is stance over the posts whose
two targets agree (stance is relative to its target). Kappa is ``None`` where it is undefined
(both passes used one and the same value throughout).

>>> from arapol.corpora.records import Labels
>>> x = Labels("PJD", "favor", True, False, ())
>>> y = Labels("PJD", "against", True, False, ())
>>> rows = agreement({"1": x, "2": y}, {"1": x, "2": x})
>>> [(r.field, r.n, r.observed) for r in rows][:2]
[('target', 2, 1.0), ('stance', 2, 0.5)]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from arapol.corpora.records import Labels

__all__ = ["FieldAgreement", "agreement", "agreement_by"]


@dataclass(frozen=True)
class FieldAgreement:
    """Agreement on one field: posts compared, share identical, Cohen's kappa."""

    field: str
    n: int
    observed: float
    kappa: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS: dict[str, Callable[[Labels], str]] = {
    "target": lambda x: x.target or "-",
    "stance": lambda x: x.stance,
    "slogan": lambda x: str(x.slogan),
    "attack": lambda x: str(x.attack),
    "attack_targets": lambda x: ",".join(x.attack_targets) or "-",
}


def _kappa(first: list[str], second: list[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if len(set(first) | set(second)) < 2:
        return None
    value = float(cohen_kappa_score(first, second))
    return None if math.isnan(value) else value


def _field(name: str, pairs: list[tuple[str, str]]) -> FieldAgreement:
    first, second = [p[0] for p in pairs], [p[1] for p in pairs]
    observed = sum(x == y for x, y in pairs) / len(pairs) if pairs else 0.0
    return FieldAgreement(name, len(pairs), observed, _kappa(first, second) if pairs else None)


def agreement(a: dict[str, Labels], b: dict[str, Labels]) -> list[FieldAgreement]:
    """Per-field agreement over the ids in both ``a`` and ``b``, then all fields at once."""
    both = sorted(a.keys() & b.keys())
    rows = [_field(name, [(get(a[i]), get(b[i])) for i in both]) for name, get in _FIELDS.items()]
    same_target = [i for i in both if a[i].target == b[i].target]
    rows.append(_field("stance|same target", [(a[i].stance, b[i].stance) for i in same_target]))
    exact = sum(a[i] == b[i] for i in both) / len(both) if both else 0.0
    rows.append(FieldAgreement("all fields", len(both), exact, None))
    return rows


def agreement_by(a: dict[str, Labels], b: dict[str, Labels],
                 group: Callable[[str], str]) -> dict[str, list[FieldAgreement]]:
    """:func:`agreement` within each group of ids (e.g. per source), groups sorted by name.

    >>> x = Labels(None, "none", False, False, ())
    >>> list(agreement_by({"s/1": x}, {"s/1": x}, lambda i: i.split("/")[0]))
    ['s']
    """
    groups: dict[str, list[str]] = {}
    for rid in a.keys() & b.keys():
        groups.setdefault(group(rid), []).append(rid)
    return {name: agreement({i: a[i] for i in ids}, {i: b[i] for i in ids})
            for name, ids in sorted(groups.items())}
