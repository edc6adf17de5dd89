"""arapol: political discourse on Moroccan social media (Arabic, Darija, Amazigh).

>>> import arapol
>>> arapol.normalize("الإنتخابات")
'الانتخابات'

Heavy modules (torch, transformers) load only when a model is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it (imported on first access)
_LAZY = {
    "normalize": "arapol.text.normalize",
    "tokenize": "arapol.text.tokenize",
    "segment_hashtag": "arapol.text.tokenize",
    "transliterate": "arapol.text.translit",
    "detect": "arapol.text.detect",
    "Detection": "arapol.text.detect",
    "find_actors": "arapol.actors",
    "ActorMention": "arapol.actors",
    "load": "arapol.pipeline",
    "Pipeline": "arapol.pipeline",
    "Analysis": "arapol.labels",
    "label_frame": "arapol.integrations.pandas",
    "label_dataset": "arapol.integrations.datasets",
}

__all__ = [
    "ActorMention",
    "Analysis",
    "Detection",
    "Pipeline",
    "detect",
    "find_actors",
    "label_dataset",
    "label_frame",
    "load",
    "normalize",
    "segment_hashtag",
    "tokenize",
    "transliterate",
]

if TYPE_CHECKING:  # pragma: no cover
    from arapol.actors import ActorMention, find_actors
    from arapol.integrations.datasets import label_dataset
    from arapol.integrations.pandas import label_frame
    from arapol.labels import Analysis
    from arapol.pipeline import Pipeline, load
    from arapol.text.detect import Detection, detect
    from arapol.text.normalize import normalize
    from arapol.text.tokenize import segment_hashtag, tokenize
    from arapol.text.translit import transliterate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'arapol' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
