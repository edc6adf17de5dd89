"""Social-media tokenization and hashtag segmentation.

>>> tokenize("3lach l7koma ma dartch chi 7aja؟ #تعاقد_من_أجل_الكرامة 😡👍🏽")
['3lach', 'l7koma', 'ma', 'dartch', 'chi', '7aja', '؟', '#تعاقد_من_أجل_الكرامة', '😡', '👍🏽']
"""

from __future__ import annotations

import re
from functools import cache

from arapol.text._chars import EMAIL, MARKS, MENTION, URL

__all__ = ["segment_hashtag", "tokenize"]

_WORD = rf"(?:[^\W_]|[{MARKS}])+(?:['’](?:[^\W_]|[{MARKS}])+)*"
_NUMBER = r"\d+(?:[.,:/]\d+)+"
_PICTO = "\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
_EMOJI_MOD = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = (
    r"[\U0001f1e6-\U0001f1ff]{2}"  # flags
    rf"|[0-9#*]\ufe0f?\u20e3"  # keycaps
    rf"|[{_PICTO}][{_EMOJI_MOD}]*(?:\u200d[{_PICTO}][{_EMOJI_MOD}]*)*"
)
_HASHTAG = rf"#(?:\w|[{MARKS}])+"
_PUNCT_RUN = r"([!?.؟])\1+"  # "!!!", "...", "؟؟" stay one token
_OTHER = r"\S"

_SEGMENT_RE = re.compile(rf"\d+|(?:[^\W\d_]|[{MARKS}])+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z][a-z0-9]*|[A-Z]+|\d+")


@cache
def _token_re(has_at: bool, has_url: bool) -> re.Pattern[str]:
    # patterns that cannot match are left out: scanning every word for "@" costs time
    parts = []
    if has_url:
        parts.append(URL)
    if has_at:
        parts += [EMAIL, MENTION]
    parts += [_HASHTAG, _EMOJI, _NUMBER, _WORD, _PUNCT_RUN, _OTHER]
    return re.compile("|".join(f"(?:{p})" for p in parts))  # _PUNCT_RUN holds group 1


def tokenize(text: str) -> list[str]:
    """Split a post into tokens; URLs, e-mails, @mentions, #hashtags and Arabizi words stay whole.

    >>> tokenize("Bravo @RNI_officiel!! https://rni.ma ⴰⵣⵓⵍ")
    ['Bravo', '@RNI_officiel', '!!', 'https://rni.ma', 'ⴰⵣⵓⵍ']
    """
    pattern = _token_re("@" in text, "://" in text or "www." in text)
    return [m.group() for m in pattern.finditer(text)]


def segment_hashtag(hashtag: str) -> list[str]:
    """Split a hashtag into words on underscores, dashes, dots and camelCase.

    >>> segment_hashtag("#تعاقد_من_أجل_الكرامة")
    ['تعاقد', 'من', 'أجل', 'الكرامة']
    >>> segment_hashtag("#VoteRNI2021")
    ['Vote', 'RNI', '2021']
    """
    body = hashtag.lstrip("#＃")
    words: list[str] = []
    for chunk in re.split(r"[_\-.·\s]+", body):
        if not chunk:
            continue
        if chunk.isascii():
            mixed = not (chunk.islower() or chunk.isupper()) and chunk.isalnum()
            words += _CAMEL_RE.findall(chunk) if mixed else [chunk]  # Arabizi "l7aq" stays whole
        else:
            words += _SEGMENT_RE.findall(chunk)
    return words
