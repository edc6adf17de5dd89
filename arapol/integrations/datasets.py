"""Label a Hugging Face ``datasets.Dataset``: ``arapol.label_dataset(ds, text_column="text")``.

>>> import datasets, tempfile, warnings
>>> from arapol.modeling.tiny import make_random_model
>>> from arapol.pipeline import load
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     nlp = load(make_random_model(tempfile.mkdtemp()))
>>> ds = datasets.Dataset.from_dict({"text": ["صوتوا على الحمامة", ""]})
>>> list(label_dataset(ds, nlp=nlp)["error"])
[None, 'text is empty']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arapol.labels import ROW_COLUMNS
from arapol.pipeline import DEFAULT_BATCH_SIZE, WINDOW_BATCHES, Pipeline, load

if TYPE_CHECKING:
    import datasets

__all__ = ["label_dataset"]


def _features() -> dict[str, Any]:
    from datasets import List, Value

    kinds = {"str": Value("string"), "float": Value("float64"), "bool": Value("bool"),
             "list[str]": List(Value("string"))}
    return {name: kinds[kind] for name, kind in ROW_COLUMNS.items()}


def label_dataset(ds: datasets.Dataset, text_column: str = "text", target_column: str | None = None,
                  num_proc: int | None = None, nlp: Pipeline | None = None,
                  batch_size: int = DEFAULT_BATCH_SIZE) -> datasets.Dataset:
    """``ds`` with the label columns added, via a batched ``Dataset.map``.

    With ``num_proc`` > 1 each worker reloads the model from its directory and uses one
    torch thread. Columns named like a label column are replaced.
    """
    from datasets import Features

    for column in (text_column, target_column):
        if column is not None and column not in ds.column_names:
            raise KeyError(f"column {column!r} is not in the dataset ({', '.join(ds.column_names)})")
    nlp = nlp if nlp is not None else load()
    single_thread = num_proc is not None and num_proc > 1

    def label_batch(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if single_thread:
            import torch

            torch.set_num_threads(1)
        targets = batch[target_column] if target_column is not None else None
        rows = [a.to_row() for a in nlp(batch[text_column], targets=targets, batch_size=batch_size)]
        return {name: [row[name] for row in rows] for name in ROW_COLUMNS}

    kept = {k: v for k, v in ds.features.items() if k not in ROW_COLUMNS}
    return ds.map(label_batch, batched=True, batch_size=batch_size * WINDOW_BATCHES, num_proc=num_proc,
                  features=Features({**kept, **_features()}), desc="arapol")
