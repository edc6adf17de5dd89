"""spaCy integration: the ``arapol`` pipeline component and an arapol tokenizer.

>>> import spacy, tempfile, warnings
>>> from arapol.modeling.tiny import make_random_model
>>> path = str(make_random_model(tempfile.mkdtemp()))
>>> nlp = spacy.blank("ar")
>>> nlp.tokenizer = ArapolTokenizer(nlp.vocab)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     _ = nlp.add_pipe("arapol", config={"model": path})
>>> doc = nlp("صوتوا على الحمامة #تعاقد_من_أجل_الكرامة")
>>> [t.text for t in doc][-1], doc._.arapol.stance.target
('#تعاقد_من_أجل_الكرامة', 'RNI')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from arapol.pipeline import DEFAULT_BATCH_SIZE, Pipeline, load
from arapol.text.tokenize import tokenize

__all__ = ["ArapolComponent", "ArapolTokenizer", "make_arapol", "make_arapol_tokenizer"]

if not Doc.has_extension("arapol"):
    Doc.set_extension("arapol", default=None)


class ArapolComponent:
    """Sets ``doc._.arapol`` to the post's :class:`arapol.labels.Analysis` (of ``doc.text``)."""

    def __init__(self, pipeline: Pipeline, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.pipeline = pipeline
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        doc._.arapol = self.pipeline(doc.text)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Label docs in batches (``nlp.pipe`` calls this)."""
        size = batch_size or self.batch_size
        stream = iter(docs)
        while chunk := list(islice(stream, size)):
            for doc, analysis in zip(chunk, self.pipeline([d.text for d in chunk], batch_size=size),
                                     strict=True):
                doc._.arapol = analysis
                yield doc


@Language.factory("arapol", default_config={"model": None, "batch_size": DEFAULT_BATCH_SIZE})
def make_arapol(nlp: Language, name: str, model: str | None, batch_size: int) -> ArapolComponent:
    """spaCy factory: ``nlp.add_pipe("arapol", config={"model": "path/or/repo-id"})``."""
    return ArapolComponent(load(model), batch_size)


class ArapolTokenizer:
    """``arapol.tokenize`` as spaCy's tokenizer: URLs, @mentions, #hashtags, emoji and Arabizi
    words stay whole; ``doc.text`` is the input, character for character."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        position = 0
        for token in tokenize(text):
            start = text.index(token, position)
            gap = text[position:start]
            if gap:
                if words and gap.startswith(" "):
                    spaces[-1], gap = True, gap[1:]
                if gap:  # other whitespace is a token of its own, as in spaCy
                    words.append(gap)
                    spaces.append(False)
            words.append(token)
            spaces.append(False)
            position = start + len(token)
        if position < len(text):
            tail = text[position:]
            if words and tail.startswith(" "):
                spaces[-1], tail = True, tail[1:]
            if tail:
                words.append(tail)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # nothing to save: the tokenizer has no state (nlp.to_disk / from_disk call these)
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> ArapolTokenizer:
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: str | Path, **kwargs: Any) -> ArapolTokenizer:
        return self


@registry.tokenizers("arapol.Tokenizer.v1")
def make_arapol_tokenizer() -> Any:
    """For spaCy configs: ``[nlp.tokenizer] @tokenizers = "arapol.Tokenizer.v1"``."""

    def create(nlp: Language) -> ArapolTokenizer:
        return ArapolTokenizer(nlp.vocab)

    return create
