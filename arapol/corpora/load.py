"""Load a corpus as a ``datasets.DatasetDict`` with ``train``, ``dev`` and ``test``.

    >>> from arapol.corpora import load
    >>> ds = load("arapol-pol")                       # doctest: +SKIP
    >>> ds["train"][0]["text"], ds["train"][0]["stance"]  # doctest: +SKIP

Real posts are joined with the shared data folder (``data_dir``, else ``$ARAPOL_DATA``, else
``../shared/data``) and the download cache; ``download=True`` fetches missing source files
from their repositories at the pinned commits. Any missing source, row or hash mismatch raises
:class:`CorpusError` listing the records concerned.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from arapol.corpora.build import build
from arapol.corpora.splits import SPLITS

if TYPE_CHECKING:
    from datasets import DatasetDict, Features

__all__ = ["CORPORA", "CorpusError", "corpus_dir", "features", "load"]

CORPORA = ("arapol-pol",)
_REPO_ROOT = Path(__file__).resolve().parents[2]
_SHOWN = 20


class CorpusError(RuntimeError):
    """A corpus that cannot be assembled (unknown name, missing sources, hash mismatches)."""


def corpus_dir(name: str) -> Path:
    """``corpora/<name>`` under the working directory, else under the repository root."""
    if name not in CORPORA:
        raise CorpusError(f"unknown corpus {name!r}; available: {', '.join(CORPORA)}")
    for root in (Path.cwd(), _REPO_ROOT):
        if (root / "corpora" / name).is_dir():
            return root / "corpora" / name
    raise CorpusError(f"corpora/{name} not found under {Path.cwd()} or {_REPO_ROOT}")


def features() -> Features:
    """The column types of every split."""
    from datasets import Features, Sequence, Value

    text = Value("string")
    return Features({"id": text, "text": text, "source": text, "origin": text, "script": text,
                     "target": text, "stance": text, "slogan": Value("bool"),
                     "attack": Value("bool"), "attack_targets": Sequence(text)})


def load(name: str = "arapol-pol", data_dir: Path | str | None = None, *,
         corpus_path: Path | str | None = None, download: bool = False,
         cache_dir: Path | str | None = None, base_url: str | None = None) -> DatasetDict:
    """The corpus ``name`` as train/dev/test splits (``corpus_path`` overrides its folder)."""
    from datasets import Dataset, DatasetDict

    folder = Path(corpus_path) if corpus_path else corpus_dir(name)
    report = build(folder, Path(data_dir) if data_dir else None,
                   cache_dir=Path(cache_dir) if cache_dir else None,
                   download=download, base_url=base_url)
    if not report.ok:
        shown = "\n  ".join(report.errors[:_SHOWN])
        more = f"\n  ... and {len(report.errors) - _SHOWN} more" if len(report.errors) > _SHOWN else ""
        raise CorpusError(f"{name}: {len(report.errors)} problem(s) assembling {folder}:\n  "
                          f"{shown}{more}")
    types = features()
    return DatasetDict({
        split: Dataset.from_dict(
            {c: [r[c] for r in report.rows if r["split"] == split] for c in types}, features=types)
        for split in SPLITS
    })
