"""Character classes shared by the text modules (regex-ready strings)."""

# combining marks that \w does not match: Arabic diacritics and Quranic marks, tatweel,
# Latin combining accents, the Tifinagh consonant joiner
MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u0300-\u036f\u2d7f"
# zero-width, bidi and other invisible format characters (ZWJ apart: emoji need it)
INVISIBLES = (
    "\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
URL = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?،؛؟)\]}'»]"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# a mention absorbs marks and invisibles so that it is the same span before and after
# normalization (this keeps normalize idempotent)
MENTION = rf"@(?:\w|[{MARKS}{INVISIBLES}\u200d])+"
