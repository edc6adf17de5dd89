"""Transliteration: Moroccan Arabizi -> Arabic script, Tifinagh <-> Latin (IRCAM).

>>> transliterate("3lach l7koma ma dartch chi 7aja? @RNI_officiel 😡", "arabizi", "arabic")
'علاش لحكوما ما دارتش شي حاجا? @RNI_officiel 😡'
>>> transliterate("ⴰⵣⵓⵍ", "tifinagh", "latin")
'azul'

Arabizi words are decoded by a statistical model learnt from DODa
(``arapol.text._arabizi``; Moroccan convention 3=ع 7=ح 9=ق 2=ء 5=خ 8=ه, ch/x=ش gh=غ kh=خ,
capital T/S/D = ط ص ض). Left as they are: URLs, e-mails, @mentions, #hashtags (identifiers
that the rest of arapol matches), numbers, emoji, punctuation, Arabic-script text, short
all-capital acronyms (PJD, RNI) and words that read as French. Spacing is kept.
"""

from __future__ import annotations

import re

from arapol.text._arabizi import decode_word, fold_case, is_foreign
from arapol.text._chars import EMAIL, MARKS, MENTION, URL
from arapol.text._tifinagh import latin_to_tifinagh, tifinagh_to_latin

__all__ = ["SUPPORTED", "arabizi_to_arabic", "transliterate"]

SUPPORTED: frozenset[tuple[str, str]] = frozenset(
    {("arabizi", "arabic"), ("tifinagh", "latin"), ("latin", "tifinagh")}
)

_HASHTAG = rf"#(?:\w|[{MARKS}])+"
_LATIN_WORD = r"[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+"
_SPAN_RE = re.compile(rf"(?P<keep>{URL}|{EMAIL}|{MENTION}|{_HASHTAG})|(?P<word>{_LATIN_WORD})")
_SENTENCE_END = frozenset(".!?؟…\n")
_ACRONYM_MAX = 6


def _is_acronym(word: str, text_has_lower: bool) -> bool:
    return text_has_lower and word.isalpha() and word.isupper() and 2 <= len(word) <= _ACRONYM_MAX


def _convert_word(word: str, initial: bool, text_has_lower: bool, keep_foreign: bool) -> str:
    if word.isdigit() or _is_acronym(word, text_has_lower):
        return word
    if keep_foreign and word.isalpha() and is_foreign(word.lower()):
        return word
    return decode_word(fold_case(word, initial))


def arabizi_to_arabic(text: str, *, keep_foreign: bool = True) -> str:
    """Arabizi words -> Arabic script; with ``keep_foreign=False`` French words are converted too.

    >>> arabizi_to_arabic("9bel l'élection, chkoun gha ywsel? https://x.ma")
    "قبل ل'élection, شكون غا يوسل? https://x.ma"
    """
    has_lower = any(c.islower() for c in text)
    parts: list[str] = []
    last = 0
    initial = True  # the next word starts a sentence
    for m in _SPAN_RE.finditer(text):
        gap = text[last:m.start()]
        before = gap.rstrip(" \t")
        if before:
            initial = before[-1] in _SENTENCE_END
        word = m.group("word")
        parts.append(gap)
        if word is None:
            parts.append(m.group())
        else:
            parts.append(_convert_word(word, initial, has_lower, keep_foreign))
        initial = False
        last = m.end()
    parts.append(text[last:])
    return "".join(parts)


def transliterate(text: str, source: str, target: str) -> str:
    """Transliterate ``text`` from ``source`` to ``target`` script; see ``SUPPORTED``.

    >>> transliterate("tamaziɣt", "latin", "tifinagh")
    'ⵜⴰⵎⴰⵣⵉⵖⵜ'
    """
    if (source, target) == ("arabizi", "arabic"):
        return arabizi_to_arabic(text)
    if (source, target) == ("tifinagh", "latin"):
        return tifinagh_to_latin(text)
    if (source, target) == ("latin", "tifinagh"):
        return latin_to_tifinagh(text)
    pairs = ", ".join(f"{s}->{t}" for s, t in sorted(SUPPORTED))
    raise ValueError(f"unsupported transliteration {source}->{target}; supported: {pairs}")
