"""Normalization of Moroccan social-media text, one small function per step.

>>> normalize("أَهلاً بيكم فالإنتخاباااات ٢٠٢١")
'اهلا بيكم فالانتخاباات 2021'

Presets: ``default`` (light, reversible in spirit), ``search`` (aggressive folding for
matching) and ``model`` (what arapol's classifiers see). Every preset is idempotent.
The Arabic character sets come from camel-tools (``camel_tools.utils.charsets``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from arapol.text._chars import EMAIL, INVISIBLES, MENTION, URL

__all__ = [
    "PRESETS",
    "Preset",
    "collapse_repeats",
    "fold_search",
    "normalize",
    "normalize_unicode",
    "strip_marks",
]

TATWEEL = "\u0640"
ZWJ = "\u200d"
LABIALIZATION = "\u2d6f"  # Tifinagh ⵯ, which NFKC would turn into ⵡ

ALEF_FORMS = "\u0623\u0625\u0622\u0671\u0672\u0673"  # أ إ آ ٱ ٲ ٳ
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
# extra Quranic/annotation marks that camel-tools' diacritic set leaves out
EXTRA_MARKS = "".join(chr(c) for c in (*range(0x0610, 0x061B), *range(0x0653, 0x0660),
                                       *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E5),
                                       0x06E7, 0x06E8, *range(0x06EA, 0x06EE)))

# spans kept byte for byte (default/search) or replaced by placeholders (model)
PROTECTED_RE = re.compile(f"(?P<url>{URL})|(?P<email>{EMAIL})|(?P<mention>{MENTION})")
# the alternatives that cannot match are left out: scanning every word for "@" costs time
_SPLIT_RES = {
    (True, True): re.compile(f"({URL}|{EMAIL}|{MENTION})"),
    (True, False): re.compile(f"({EMAIL}|{MENTION})"),
    (False, True): re.compile(f"({URL})"),
}
PLACEHOLDERS = {"url": "<url>", "email": "<email>", "mention": "<user>"}

_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
_TRIPLE_RE = re.compile(r"(.)\1\1", re.DOTALL)  # cheap pre-check for _REPEAT_RE
# ZWJ kept only between two emoji-like characters (pictographs, skin tones, VS16)
_ZWJ_STRAY_RE = re.compile(
    r"(?<![\u2190-\u2bff\ufe0f\U0001f000-\U0001faff])\u200d"
    r"|\u200d(?![\u2190-\u2bff\U0001f000-\U0001faff])"
)
_HASHTAG_US_RE = re.compile(r"(?<=\w)_(?=\w)")


@dataclass(frozen=True)
class Preset:
    """Which steps a normalization preset applies."""

    name: str
    fold_search: bool = False  # ة→ه, ؤ→و, ئ→ي, ء dropped, Darija letters, Latin accents
    lowercase: bool = False
    placeholders: bool = False  # URLs, e-mails, @mentions -> <url>, <email>, <user>
    split_hashtags: bool = False  # "#a_b" -> "#a b"


PRESETS: dict[str, Preset] = {
    "default": Preset("default"),
    "search": Preset("search", fold_search=True, lowercase=True),
    "model": Preset("model", lowercase=True, placeholders=True, split_hashtags=True),
}


@cache
def _default_map() -> dict[str, str]:
    from camel_tools.utils.charsets import AR_DIAC_CHARSET

    mapping = dict.fromkeys(AR_DIAC_CHARSET | set(EXTRA_MARKS + TATWEEL + INVISIBLES), "")
    mapping.update(dict.fromkeys(ALEF_FORMS, "\u0627"))
    mapping["\u0649"] = "\u064a"  # ى -> ي
    mapping["\u06cc"] = "\u064a"  # Persian ی -> ي
    mapping["\u06a9"] = "\u0643"  # keheh ک -> ك
    for digits in (ARABIC_INDIC_DIGITS, PERSIAN_DIGITS):
        mapping.update({d: str(i) for i, d in enumerate(digits)})
    return mapping


@cache
def _default_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_default_map())) + "]")


def _replace_chars(text: str, pattern: re.Pattern[str], mapping: dict[str, str]) -> str:
    # a regex finds the few characters to change; str.replace is then much faster than
    # str.translate over the whole post (measured in scripts/bench_text.py)
    for char in set(pattern.findall(text)):
        text = text.replace(char, mapping[char])
    return text


_SEARCH_MAP = {
    "\u0629": "\u0647",  # ة -> ه
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064a",  # ئ -> ي
    "\u0621": "",  # ء dropped
    "\u06af": "\u0643",  # گ -> ك
    "\u06ad": "\u0643",  # ڭ -> ك
    "\u06a4": "\u0641",  # ڤ -> ف
    "\u067e": "\u0628",  # پ -> ب
}
_SEARCH_RE = re.compile("[" + "".join(_SEARCH_MAP) + "]")


def normalize_unicode(text: str) -> str:
    """NFKC, except that Tifinagh ⵯ survives (NFKC would make it ⵡ).

    >>> normalize_unicode("ﻻ ＡＢ")
    'لا AB'
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    if LABIALIZATION in text:
        return LABIALIZATION.join(unicodedata.normalize("NFKC", p) for p in text.split(LABIALIZATION))
    return unicodedata.normalize("NFKC", text)


def strip_marks(text: str) -> str:
    """Remove diacritics, tatweel, zero-width and bidi controls; fold alef forms, ى, digits.

    ZWJ stays only inside emoji sequences.

    >>> strip_marks("إِنتخـــابات ٢٠٢١")
    'انتخابات 2021'
    """
    text = _replace_chars(text, _default_re(), _default_map())
    if ZWJ in text:
        text = _ZWJ_STRAY_RE.sub("", text)
    return text


def collapse_repeats(text: str) -> str:
    """Collapse runs of 3+ identical letters (any script) to two.

    >>> collapse_repeats("بزاااف goooal")
    'بزااف gooal'
    """
    first = _TRIPLE_RE.search(text)
    if first is None:
        return text
    start = first.start()  # no letter run can begin before the first run of any character
    return text[:start] + _REPEAT_RE.sub(r"\1\1", text[start:])


def fold_search(text: str) -> str:
    """Aggressive folding for search: ة→ه, hamza carriers, Darija letters, Latin accents.

    >>> fold_search("مسؤولية گاع élection")
    'مسووليه كاع election'
    """
    text = _replace_chars(text, _SEARCH_RE, _SEARCH_MAP)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = normalize_unicode(text)
    return text


def _normalize_plain(text: str, preset: Preset) -> str:
    if text.isascii():  # ASCII is NFKC-stable and has no marks: only case, hashtags, repeats
        if preset.lowercase:
            text = text.lower()
    else:
        if not unicodedata.is_normalized("NFKC", text):
            text = normalize_unicode(text)
        found = _default_re().findall(text)
        if found:
            mapping = _default_map()
            for char in set(found):
                text = text.replace(char, mapping[char])
        joiner = ZWJ in text
        if joiner:
            text = _ZWJ_STRAY_RE.sub("", text)
        if preset.fold_search:
            text = fold_search(text)
        if preset.lowercase:
            text = text.lower()
        if found or joiner or preset.fold_search or preset.lowercase:
            text = normalize_unicode(text)  # removing marks can leave a non-NFKC sequence
    if preset.split_hashtags and "_" in text:
        text = _HASHTAG_US_RE.sub(" ", text)
    return collapse_repeats(text)


def normalize(text: str, preset: str = "default") -> str:
    """Normalize a post; see the module docstring for the presets.

    >>> normalize("شوفو http://x.ma/A_B @Hamid_99 #تعاقد_من_أجل_الكرامة", "model")
    'شوفو <url> <user> #تعاقد من اجل الكرامة'
    """
    try:
        spec = PRESETS[preset]
    except KeyError:
        raise ValueError(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)}") from None
    has_at, has_url = "@" in text, "://" in text or "www." in text
    if not (has_at or has_url):
        return _normalize_plain(text, spec)
    parts = _SPLIT_RES[has_at, has_url].split(text)  # plain, protected, plain, protected, ..., plain
    for i in range(0, len(parts), 2):
        parts[i] = _normalize_plain(parts[i], spec)
    if spec.placeholders:
        for i in range(1, len(parts), 2):
            parts[i] = _placeholder(parts[i])
    return "".join(parts)


def _placeholder(span: str) -> str:
    if span[0] == "@":
        return PLACEHOLDERS["mention"]
    return PLACEHOLDERS["email" if "@" in span and "://" not in span else "url"]
