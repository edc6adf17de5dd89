"""Annotated corpora: standoff storage, source joining, fixed splits, agreement, loading.

>>> from arapol.corpora import split_of
>>> split_of("msac/msac.csv#1126") in ("train", "dev", "test")
True

``load("arapol-pol")`` returns a ``datasets.DatasetDict`` (train/dev/test); ``arapol corpus
build`` writes the joined corpus to disk. Heavy imports (datasets, sklearn) happen on use.
"""

from __future__ import annotations

from arapol.corpora.load import CorpusError, load
from arapol.corpora.splits import split_of

__all__ = ["CorpusError", "load", "split_of"]
