"""Tifinagh <-> Latin in the IRCAM standard (Standard Moroccan Amazigh).

One letter maps to one letter, so Latin -> Tifinagh -> Latin is the identity on IRCAM Latin
text; characters outside the table (digits, punctuation, other scripts) pass through.

>>> latin_to_tifinagh("azul a gʷma")
'ⴰⵣⵓⵍ ⴰ ⴳⵯⵎⴰ'
>>> tifinagh_to_latin("ⵜⴰⵎⴰⵣⵉⵖⵜ")
'tamaziɣt'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["IRCAM", "latin_to_tifinagh", "tifinagh_to_latin"]

# the 33 IRCAM letters (labialised gʷ kʷ = letter + ⵯ), plus ⵒ p and ⵠ v used for loanwords
IRCAM: dict[str, str] = {
    "ⴰ": "a", "ⴱ": "b", "ⵛ": "c", "ⴷ": "d", "ⴹ": "ḍ", "ⴻ": "e", "ⴼ": "f", "ⴳ": "g",
    "ⵀ": "h", "ⵃ": "ḥ", "ⵄ": "ɛ", "ⵅ": "x", "ⵇ": "q", "ⵉ": "i", "ⵊ": "j", "ⴽ": "k",
    "ⵍ": "l", "ⵎ": "m", "ⵏ": "n", "ⵓ": "u", "ⵔ": "r", "ⵕ": "ṛ", "ⵖ": "ɣ", "ⵙ": "s",
    "ⵚ": "ṣ", "ⵜ": "t", "ⵟ": "ṭ", "ⵡ": "w", "ⵢ": "y", "ⵣ": "z", "ⵥ": "ẓ", "ⵯ": "ʷ",
    "ⵒ": "p", "ⵠ": "v",
}
# Greek ε/γ are common stand-ins for ɛ/ɣ in typed Amazigh (Kabyle habit)
_INPUT_VARIANTS = {"ε": "ⵄ", "Ε": "ⵄ", "γ": "ⵖ", "Γ": "ⵖ"}
# g° / gº / kº written for gʷ / kʷ; "gw" stays g + w: IRCAM text also has that sequence
_LABIAL_VARIANT_RE = re.compile(r"(?<=[gkGK])[°º]")

_TO_LATIN = str.maketrans(IRCAM)
_TO_TIFINAGH = str.maketrans({
    **{latin: tif for tif, latin in IRCAM.items()},
    **{latin.upper(): tif for tif, latin in IRCAM.items() if latin.upper() != latin},
    **_INPUT_VARIANTS,
})


def tifinagh_to_latin(text: str) -> str:
    """Tifinagh letters -> IRCAM Latin; everything else unchanged.

    >>> tifinagh_to_latin("ⴰⴳⵯⵏⵙ 2024")
    'agʷns 2024'
    """
    return text.translate(_TO_LATIN)


def latin_to_tifinagh(text: str) -> str:
    """IRCAM Latin (either case; ε γ g° accepted) -> Tifinagh; everything else unchanged.

    >>> latin_to_tifinagh("Tamaziɣt d tutlayt taɣelnawt")
    'ⵜⴰⵎⴰⵣⵉⵖⵜ ⴷ ⵜⵓⵜⵍⴰⵢⵜ ⵜⴰⵖⴻⵍⵏⴰⵡⵜ'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if "°" in text or "º" in text:
            text = _LABIAL_VARIANT_RE.sub("ʷ", text)
    return text.translate(_TO_TIFINAGH)
