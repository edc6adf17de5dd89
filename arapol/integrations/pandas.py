"""Label a pandas DataFrame: ``arapol.label_frame(df, text_column="text")``.

>>> import pandas as pd, tempfile, warnings
>>> from arapol.modeling.tiny import make_random_model
>>> from arapol.pipeline import load
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     nlp = load(make_random_model(tempfile.mkdtemp()))
>>> out = label_frame(pd.DataFrame({"text": ["صوتوا على الحمامة", None]}), nlp=nlp)
>>> out["stance_target"].tolist(), out["error"].tolist()
(['RNI', <NA>], [<NA>, 'text is missing (NaN)'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arapol.labels import ROW_COLUMNS
from arapol.pipeline import DEFAULT_BATCH_SIZE, Pipeline, load

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["label_frame"]

# nullable pandas dtypes for the label columns (lists stay Python objects)
DTYPES = {"str": "string", "float": "Float64", "bool": "boolean", "list[str]": "object"}


def label_frame(df: pd.DataFrame, text_column: str = "text", target_column: str | None = None,
                nlp: Pipeline | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> pd.DataFrame:
    """A copy of ``df`` with the label columns of ``arapol label`` added (same index, same order).

    ``target_column`` holds each row's stance target (None/NaN: the post's main actor).
    Input columns named like a label column are replaced.
    """
    import pandas as pd

    for column in (text_column, target_column):
        if column is not None and column not in df.columns:
            raise KeyError(f"column {column!r} is not in the DataFrame ({', '.join(map(str, df.columns))})")
    nlp = nlp if nlp is not None else load()
    targets = df[target_column].tolist() if target_column is not None else None
    rows = [a.to_row() for a in nlp.pipe(df[text_column].tolist(), targets, batch_size=batch_size)]
    labels = pd.DataFrame.from_records(rows, index=df.index, columns=list(ROW_COLUMNS))
    labels = labels.astype({name: DTYPES[kind] for name, kind in ROW_COLUMNS.items()})
    kept = df.drop(columns=[c for c in ROW_COLUMNS if c in df.columns])
    return pd.concat([kept, labels], axis=1)
