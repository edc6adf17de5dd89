"""Arabizi -> Arabic decoder: a joint (graphone) n-gram model plus an Arabic character LM.

The model is statistics only (``arapol/data/arabizi/model.json.gz``, rebuilt by
``scripts/train_arabizi.py`` from DODa): n-gram log-probabilities over aligned
Latin-chunk/Arabic-chunk pairs ("graphones", e.g. ``ch=ش``), an Arabic character n-gram
LM, and two Latin character LMs (French, Arabizi) that flag French words. A word is
decoded with a small beam over its Latin chunks.

>>> decode_word("3lach")
'علاش'
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

__all__ = [
    "EMPHATIC",
    "INITIAL",
    "MODEL_PATH",
    "Model",
    "NgramLM",
    "decode_word",
    "fold_case",
    "fold_for_cer",
    "heldout",
    "is_foreign",
    "load_model",
]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "arabizi" / "model.json.gz"
EMPHATIC = frozenset("TSD")  # capitals read as ط ص ض
BOW, EOW = "<w>", "</w>"  # word boundary tokens of the graphone model
SEP = "="  # graphone token "latin=arabic"
INITIAL = "^"  # prefix of word-initial graphone tokens
UNK_LOGP = -12.0  # log10 probability of a token no model has seen
_FRENCH_LETTERS = frozenset("éèêëàâîïôûùüÿçœæ")  # a word with one of these is French


def heldout(latin: str) -> bool:
    """The fixed DODa test split: 10% of sentence pairs, by SHA-256 of the stripped Latin text.

    A pair is held out when the integer value of the hex digest is divisible by 10; held-out
    pairs are never used for training (``scripts/train_arabizi.py``).

    >>> heldout("3lach l7koma ma dartch chi 7aja")
    False
    """
    return int(hashlib.sha256(latin.strip().encode("utf-8")).hexdigest(), 16) % 10 == 0


_CER_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")  # diacritics, shadda, tatweel
_CER_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي",  # hamza / alef forms
    "ة": "ه", "ى": "ي", "گ": "ڭ", "؟": "?", "،": ",", "؛": ";",
})
_SPACES_RE = re.compile(r"\s+")


def fold_for_cer(text: str) -> str:
    """Fold the spelling differences DODa references mix, before a character error rate.

    Applied alike to hypothesis and reference: NFC; diacritics, shadda and tatweel dropped;
    hamza/alef forms, ة/ه, ى/ي, گ/ڭ and Arabic/Latin punctuation unified; whitespace squeezed.

    >>> fold_for_cer(" إِدّارة  الحكومة؟")
    'اداره الحكومه?'
    """
    text = _CER_MARKS_RE.sub("", unicodedata.normalize("NFC", text)).translate(_CER_MAP)
    return _SPACES_RE.sub(" ", text).strip()


def fold_case(word: str, sentence_initial: bool = False) -> str:
    """Lowercase a Latin word except capital T/S/D used for ط ص ض.

    A capitalised first letter at the start of a sentence is ordinary capitalisation.

    >>> fold_case("nTa"), fold_case("Tbib", sentence_initial=True), fold_case("Salam")
    ('nTa', 'tbib', 'Salam')
    """
    if word.islower():
        return word
    if sentence_initial:
        word = word[0].lower() + word[1:]
    return "".join(c if c in EMPHATIC else c.lower() for c in word)


@dataclass(frozen=True)
class NgramLM:
    """A backoff n-gram LM: ``probs[ngram] = (log10 p, log10 backoff)``.

    N-grams are strings (character LMs) or tuples of token ids (the graphone LM).
    """

    order: int
    probs: dict

    def logprob(self, history: str | tuple, token: str | tuple) -> float:
        """log10 P(token | history), backing off; ``token`` is a 1-long str or tuple.

        >>> NgramLM(2, {"a": (-0.3, -0.1), "ab": (-0.2, 0.0)}).logprob("a", "b")
        -0.2
        """
        backoff = 0.0
        while True:
            entry = self.probs.get(history + token)
            if entry is not None:
                return backoff + entry[0]
            if not history:
                return backoff + UNK_LOGP
            weight = self.probs.get(history)
            if weight is not None:
                backoff += weight[1]
            history = history[1:]

    def score(self, text: str) -> float:
        """log10 probability of a whole string between boundary marks ``^`` and ``$``.

        >>> NgramLM(1, {"^": (0.0, 0.0), "a": (-1.0, 0.0), "$": (-1.0, 0.0)}).score("a")
        -2.0
        """
        padded = "^" + text + "$"
        return sum(
            self.logprob(padded[max(0, i - self.order + 1):i], padded[i])
            for i in range(1, len(padded))
        )


@dataclass(frozen=True)
class Model:
    """Everything the decoder needs, loaded once from the model file."""

    graphones: NgramLM  # over int token ids; BOW/EOW included
    options: dict[str, list[tuple[int, str]]]  # latin chunk -> [(token id, arabic chunk)]
    initial_options: dict[str, list[tuple[int, str]]]  # the same, at the start of a word
    bow_id: int
    eow_id: int
    arabic: NgramLM  # Arabic characters, "^" marks the word start
    arabic_weight: float
    beam: int
    max_chunk: int
    french: NgramLM
    arabizi: NgramLM
    foreign_margin: float  # per-character log10 ratio above which a word is French
    foreign_min_len: int


def _lm(spec: dict) -> NgramLM:
    return NgramLM(spec["order"], {k: tuple(v) for k, v in spec["probs"].items()})


def _token_lm(spec: dict) -> NgramLM:
    # graphone n-grams are stored as space-separated token ids
    probs = {tuple(int(t) for t in k.split()): tuple(v) for k, v in spec["probs"].items()}
    return NgramLM(spec["order"], probs)


@cache
def load_model() -> Model:
    """Load (once) the model file at ``MODEL_PATH`` (the one shipped with arapol)."""
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as f:
        data = json.load(f)
    vocab: list[str] = data["graphone_vocab"]
    options: dict[str, list[tuple[int, str]]] = {}
    initial: dict[str, list[tuple[int, str]]] = {}
    for index, token in enumerate(vocab):
        if token in (BOW, EOW):
            continue
        latin, _, arabic = token.partition(SEP)
        if latin.startswith(INITIAL):
            initial.setdefault(latin[1:], []).append((index, arabic))
        else:
            options.setdefault(latin, []).append((index, arabic))
    params = data["params"]
    return Model(
        graphones=_token_lm(data["graphone_lm"]),
        options=options,
        initial_options=initial,
        bow_id=vocab.index(BOW),
        eow_id=vocab.index(EOW),
        arabic=_lm(data["arabic_lm"]),
        arabic_weight=params["arabic_weight"],
        beam=params["beam"],
        max_chunk=max(len(k) for k in [*options, *initial]),
        french=_lm(data["french_lm"]),
        arabizi=_lm(data["arabizi_lm"]),
        foreign_margin=params["foreign_margin"],
        foreign_min_len=params["foreign_min_len"],
    )


@lru_cache(maxsize=1 << 18)
def _graphone_cost(history: tuple[int, ...], token: int) -> float:
    return load_model().graphones.logprob(history, (token,))


@lru_cache(maxsize=1 << 18)
def _arabic_cost(tail: str, arabic: str) -> tuple[float, str]:
    """Weighted character-LM cost of writing ``arabic`` after ``tail``, and the new tail."""
    model = load_model()
    cost = 0.0
    for char in arabic:
        cost += model.arabic.logprob(tail, char)
        tail = (tail + char)[-(model.arabic.order - 1):]
    return model.arabic_weight * cost, tail


def _step_options(model: Model, word: str, start: int) -> list[tuple[int, int, str]]:
    """(chunk length, token id, arabic) for every chunk starting at ``start``."""
    found = []
    table = model.initial_options if start == 0 else model.options
    for size in range(1, min(model.max_chunk, len(word) - start) + 1):
        for token, arabic in table.get(word[start:start + size], ()):
            found.append((size, token, arabic))
    if not any(size == 1 for size, _, _ in found):
        found.append((1, -1, word[start]))  # unseen character: copied through
    return found


# a hypothesis: (score, last order-1 graphone ids, last Arabic characters, output so far)
_Hyp = tuple[float, tuple[int, ...], str, str]


@lru_cache(maxsize=200_000)
def decode_word(word: str) -> str:
    """Transliterate one case-folded Arabizi word (see :func:`fold_case`).

    >>> decode_word("chkoun")
    'شكون'
    """
    model = load_model()
    keep = model.graphones.order - 1
    beams: list[dict[tuple[tuple[int, ...], str], _Hyp]] = [{} for _ in range(len(word) + 1)]
    beams[0][((model.bow_id,), "^")] = (0.0, (model.bow_id,), "^", "")
    for pos in range(len(word)):
        hyps = heapq.nlargest(model.beam, beams[pos].values())
        for size, token, arabic in _step_options(model, word, pos):
            bucket = beams[pos + size]
            for score, history, tail, output in hyps:
                char_cost, new_tail = _arabic_cost(tail, arabic)
                new_history = (*history, token)[-keep:]
                new_score = score + _graphone_cost(history, token) + char_cost
                key = (new_history, new_tail)
                old = bucket.get(key)
                if old is None or old[0] < new_score:
                    bucket[key] = (new_score, new_history, new_tail, output + arabic)
    return max(
        beams[len(word)].values(),
        key=lambda h: h[0] + _graphone_cost(h[1], model.eow_id) + _arabic_cost(h[2], "$")[0],
    )[3]


@lru_cache(maxsize=200_000)
def is_foreign(word: str) -> bool:
    """True for a lowercase letters-only word that reads as French rather than Arabizi.

    >>> is_foreign("gouvernement"), is_foreign("bzaf")
    (True, False)
    """
    model = load_model()
    if len(word) < model.foreign_min_len or not word.isalpha():
        return False
    if not word.isascii() and any(c in _FRENCH_LETTERS for c in word):
        return True
    margin = (model.french.score(word) - model.arabizi.score(word)) / (len(word) + 1)
    return margin > model.foreign_margin
