"""The script of a whole post, from the text layer's per-token script.

Same rule as :func:`arapol.text.detect.detect` without its language model: letters are
counted per token script (links, mentions, emoji and digits carry no letters); a post whose
letters are at least 90% one script is that script, otherwise ``mixed``; no letters: ``other``.

>>> [post_script(t) for t in ("الحكومة فاشلة", "l7koma fachla", "ⴰⵣⵓⵍ", "🙂", "vive الحمامة")]
['arabic', 'latin', 'tifinagh', 'other', 'mixed']
"""

from __future__ import annotations

from arapol.text.detect import SCRIPT_SHARE, script_of
from arapol.text.tokenize import tokenize

__all__ = ["post_script"]


def post_script(text: str) -> str:
    """arabic | latin | tifinagh | mixed | other."""
    letters: dict[str, int] = {}
    for token in tokenize(text):
        script = script_of(token)
        if script != "other":
            letters[script] = letters.get(script, 0) + sum(c.isalpha() for c in token)
    if not letters:
        return "other"
    best = max(letters, key=letters.__getitem__)
    return best if letters[best] >= SCRIPT_SHARE * sum(letters.values()) else "mixed"
