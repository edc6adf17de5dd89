"""Script and language detection for Moroccan social-media posts.

>>> d = detect("واش غادي تصوت على الحمامة ولا لا")
>>> d.script, d.lang
('arabic', 'darija')
>>> detect("ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ").lang
'amazigh'

Script comes from the letters of the post (URLs, @mentions, emoji, digits and punctuation
are ignored): a post whose letters are at least 90% one script is that script, otherwise
``mixed``; a post without letters is ``other``. Tifinagh is always Amazigh. For Arabic,
Latin and mixed posts the language comes from a linear model over hashed character 1-5 grams
of the ``normalize(token, "model")`` words of each token (links and @mentions left out),
trained offline by ``scripts/train_detect.py`` and scored here with numpy and a per-token
cache. Arabic-script posts choose among msa / darija / other (other = the Mashriqi and Gulf
dialects: Egyptian, Levantine, Gulf, Iraqi, Sudanese, Yemeni); Latin posts among darija
(Arabizi) / amazigh / french / english; mixed posts among all six classes. Probabilities are
temperature-calibrated, and ``other`` has the low prior that EM estimates on unlabelled
Moroccan comments (``scripts/train_detect.py``; numbers: ``scripts/eval_detect.py``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from arapol.text._chars import EMAIL, MENTION, URL
from arapol.text.normalize import normalize
from arapol.text.tokenize import tokenize

__all__ = [
    "LANGS",
    "MODEL_PATH",
    "SCRIPTS",
    "SCRIPT_LANGS",
    "Detection",
    "LangModel",
    "default_model",
    "detect",
    "model_phrases",
    "ngram_ids",
    "text_ngram_ids",
    "script_of",
]

SCRIPTS = ("arabic", "latin", "tifinagh", "mixed", "other")
LANGS = ("msa", "darija", "amazigh", "french", "english", "other")
# classes a post of each script may receive (mixed: all of them)
SCRIPT_LANGS = {
    "arabic": ("msa", "darija", "other"),
    "latin": ("darija", "amazigh", "french", "english"),
    "mixed": LANGS,
}
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "detect" / "lang_ngrams.npz"
SCRIPT_SHARE = 0.9  # share of the letters one script needs for the post to be that script
MAX_N = 5  # longest character n-gram
CACHE_SIZE = 1 << 17  # tokens whose summed weights a model keeps (then it starts afresh)

_LINK_RE = re.compile(f"(?:{URL}|{EMAIL}|{MENTION})$")
_ASCII_WORD_RE = re.compile("[A-Za-z]+")
_ARABIC_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a]+")  # letters only, no marks
# placeholders, punctuation, emoji (newlines separate tokens in model_phrases)
_NOISE_RE = re.compile(r"<(?:url|user|email)>|[^\w\n]+|_+")
# 64-bit multiplicative hashing of code-point sequences (numpy uint64 arithmetic wraps)
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SALTS = np.array([0, *range(2, MAX_N + 1)], np.uint64)
# Berber Latin writers often type the Greek ε / γ for ɛ / ɣ
_GREEK_AS_LATIN = frozenset("εγΕΓ")


@dataclass(frozen=True)
class Detection:
    """Script and language of a post; ``confidence`` is the probability of ``lang``."""

    script: str
    lang: str
    confidence: float
    token_scripts: list[tuple[str, str]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form.

        >>> detect("ⴰⵣⵓⵍ").to_dict()
        {'script': 'tifinagh', 'lang': 'amazigh', 'confidence': 1.0, 'token_scripts': [['ⴰⵣⵓⵍ', 'tifinagh']]}
        """
        return {
            "script": self.script,
            "lang": self.lang,
            "confidence": round(self.confidence, 4),
            "token_scripts": [[token, script] for token, script in self.token_scripts],
        }


def _char_script(char: str) -> str | None:
    """Script of one character, None for anything that is not a letter."""
    if not char.isalpha():
        return None
    code = ord(char)
    if code < 0x2B0 or 0x1E00 <= code < 0x1F00 or char in _GREEK_AS_LATIN:
        return "latin"
    if 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0x870 <= code < 0x900:
        return "arabic"
    if 0xFB50 <= code < 0xFE00 or 0xFE70 <= code < 0xFF00 or 0x1EE00 <= code < 0x1EF00:
        return "arabic"
    if 0x2D30 <= code < 0x2D80:
        return "tifinagh"
    if 0xFF21 <= code < 0xFF5B or 0x2C60 <= code < 0x2C80 or 0xA720 <= code < 0xA800:
        return "latin"
    return "other"


@lru_cache(maxsize=CACHE_SIZE)
def _token_info(token: str) -> tuple[str, int]:
    """(script, number of letters) of a token; links and @mentions count as no letters."""
    if _ASCII_WORD_RE.fullmatch(token):  # fast paths for the common plain words
        return "latin", len(token)
    if _ARABIC_WORD_RE.fullmatch(token):
        return "arabic", len(token)
    if _LINK_RE.match(token):
        return "other", 0
    counts: dict[str, int] = {}
    for char in token:
        script = _char_script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "other", 0
    return max(counts, key=counts.__getitem__), sum(counts.values())


def script_of(token: str) -> str:
    """Script of a token: arabic | latin | tifinagh | other (digits, punctuation, emoji, links).

    >>> [script_of(t) for t in ("l7koma", "الحكومة", "ⴰⵣⵓⵍ", "2021", "😡", "@pjd")]
    ['latin', 'arabic', 'tifinagh', 'other', 'other', 'other']
    """
    return _token_info(token)[0]


def _post_script(token_infos: list[tuple[str, int]]) -> str:
    """Script of a post from the letter counts of its tokens."""
    counts: dict[str, int] = {}
    for script, letters in token_infos:
        if letters:
            counts[script] = counts.get(script, 0) + letters
    if not counts:
        return "other"
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= SCRIPT_SHARE * sum(counts.values()) else "mixed"


def model_phrases(tokens: list[str]) -> list[str]:
    """What the model reads of each token: its ``normalize(..., "model")`` words, space padded.

    Links and @mentions (placeholders after normalization), emoji and punctuation give "".

    >>> model_phrases(["Bravo", "@RNI_officiel", "!!", "#Vote_RNI", "l7kooooma"])
    [' bravo ', '', '', ' vote rni ', ' l7kooma ']
    """
    # one normalize call for all tokens: tokens hold no newline and normalize keeps newlines
    normalized = _NOISE_RE.sub(" ", normalize("\n".join(tokens), "model")).split("\n")
    return [f" {words} " if (words := part.strip(" ")) else "" for part in normalized]


def ngram_ids(phrases: list[str], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashed ids (in ``[0, 2**bits)``) of the character 1..5-grams of each phrase, and the
    index of the phrase each n-gram comes from (n-grams never span two phrases).

    The hash is a fixed polynomial over code points, identical in training and at run time.

    >>> ids, owner = ngram_ids([" ab ", " c "], 18)
    >>> len(ids), owner.tolist().count(0), owner.tolist().count(1)  # 4+3+2+1 and 3+2+1
    (16, 10, 6)
    """
    codes = np.frombuffer("".join(phrases).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(phrases)), [len(p) for p in phrases])
    size = len(codes)
    hashes, levels = codes, [codes]
    for n in range(2, MAX_N + 1):
        hashes = hashes[:-1] * _PRIME + codes[n - 1:]
        levels.append(hashes)
    # the n-gram at i of level n is salted with n (n > 1) and kept if i and i+n-1 share a phrase
    lengths = [max(size - n + 1, 0) for n in range(1, MAX_N + 1)]
    salt = np.repeat(_SALTS, lengths)
    first = np.concatenate([owner[:k] for k in lengths])
    last = np.concatenate([owner[n:n + k] for n, k in enumerate(lengths)])
    inside = first == last
    ids = ((np.concatenate(levels) + salt) * _MIX) >> np.uint64(64 - bits)
    return ids[inside], first[inside]


def text_ngram_ids(text: str, bits: int) -> np.ndarray:
    """All hashed n-gram ids of a post: the training features (detect sums the same per token).

    >>> len(text_ngram_ids("ab @x c", 18))  # " ab " and " c "
    16
    """
    return ngram_ids(model_phrases(tokenize(text)), bits)[0]


@dataclass(frozen=True, eq=False)
class LangModel:
    """Linear model over hashed n-grams: ``bias + (sum of the n-gram weight rows) / sqrt(n)``.

    The summed weights of each token are cached, so a post costs a few dictionary look-ups.
    """

    langs: tuple[str, ...]
    weights: np.ndarray  # (2**bits, classes) float32
    bias: np.ndarray  # (classes,) float32
    bits: int
    _cache: dict[str, tuple[float, ...]] = field(default_factory=dict, repr=False)  # sums, count

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LangModel:
        """Read a model file written by ``scripts/train_detect.py`` (int8 weights and a scale)."""
        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"].astype(np.float32) * np.float32(data["scale"])
            langs = tuple(str(lang) for lang in data["langs"])
            return cls(langs, weights, data["bias"].astype(np.float32), int(data["bits"]))

    @cached_property
    def _bias(self) -> list[float]:
        return self.bias.tolist()

    @cached_property
    def _allowed(self) -> dict[str, list[int]]:
        # per post script: indices of the classes it may receive
        return {script: [i for i, lang in enumerate(self.langs) if lang in allowed]
                for script, allowed in SCRIPT_LANGS.items()}

    @cached_property
    def _rows(self) -> np.ndarray:
        # the weight rows with a last column of ones, which counts the n-grams
        return np.hstack([self.weights, np.ones((len(self.weights), 1), np.float32)])

    def _add_to_cache(self, tokens: list[str]) -> None:
        """Sum the weight rows of each token's n-grams (one batch for all the tokens)."""
        ids, owner = ngram_ids(model_phrases(tokens), self.bits)
        onehot = np.zeros((len(tokens), len(ids)), np.float32)
        onehot[owner, np.arange(len(ids))] = 1.0
        sums = (onehot @ self._rows[ids]).tolist()
        if len(self._cache) + len(tokens) > CACHE_SIZE:
            self._cache.clear()
        self._cache.update(zip(tokens, map(tuple, sums), strict=True))

    def scores(self, tokens: list[str]) -> list[float]:
        """Raw class scores of a tokenized post, in the order of ``langs``."""
        parts = [self._cache.get(token) for token in tokens]
        if None in parts:
            self._add_to_cache([t for t, part in dict(zip(tokens, parts, strict=True)).items() if part is None])
            parts = [self._cache[token] for token in tokens]
        if not parts:
            return list(self._bias)
        *sums, count = map(sum, zip(*parts, strict=True))
        scale = 1.0 / math.sqrt(max(count, 1.0))
        return [bias + total * scale for bias, total in zip(self._bias, sums, strict=True)]

    def predict_tokens(self, tokens: list[str], script: str = "mixed") -> tuple[str, float]:
        """Most probable language among those ``script`` allows, and its probability."""
        scores = self.scores(tokens)
        allowed = self._allowed[script]
        top = max(scores[i] for i in allowed)
        exps = [math.exp(scores[i] - top) for i in allowed]
        return self.langs[allowed[exps.index(1.0)]], 1.0 / sum(exps)

    def predict(self, text: str, script: str = "mixed") -> tuple[str, float]:
        """Language of a post and its probability.

        >>> default_model().predict("the government failed", "latin")[0]
        'english'
        """
        return self.predict_tokens(tokenize(text), script)


@cache
def default_model() -> LangModel:
    """The packaged model, loaded on first use."""
    return LangModel.load(MODEL_PATH)


def detect(text: str, model: LangModel | None = None) -> Detection:
    """Script and language of a post (``model``: the packaged one unless given).

    >>> d = detect("l7koma dyal akhannouch fachla")
    >>> d.script, d.lang
    ('latin', 'darija')
    """
    tokens = tokenize(text)
    infos = [_token_info(token) for token in tokens]
    token_scripts = [(token, info[0]) for token, info in zip(tokens, infos, strict=True)]
    script = _post_script(infos)
    if script == "other":
        return Detection(script, "other", 1.0, token_scripts)
    if script == "tifinagh":
        return Detection(script, "amazigh", 1.0, token_scripts)
    lang, confidence = (model or default_model()).predict_tokens(tokens, script)
    return Detection(script, lang, confidence, token_scripts)
