import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arapol.text.normalize import PRESETS, collapse_repeats, fold_search, normalize, strip_marks

DEFAULT = [
    # MSA with diacritics, hamza-alef, alef maksura
    ("أَعْلَنَتْ الحُكُومَةُ", "اعلنت الحكومة"),
    ("إلى متى؟", "الي متي؟"),
    ("آمين ٱلله", "امين الله"),
    # ة ؤ ئ kept
    ("مسؤولية الحكومة ضعيفة", "مسؤولية الحكومة ضعيفة"),
    ("رئيس", "رئيس"),
    # tatweel and repeated letters
    ("بـــــزااااف", "بزاف".replace("زا", "زاا")),
    ("هههههههه", "هه"),
    ("goooooal", "gooal"),
    # Darija letters kept
    ("گاع ڭاع ڤيلا پاپا", "گاع ڭاع ڤيلا پاپا"),
    # digits
    ("٨ شتنبر ۲۰۲۱", "8 شتنبر 2021"),
    # zero-width and bidi controls
    ("ال\u200cحكومة\u200f", "الحكومة"),
    ("\u202bبنكيران\u202c", "بنكيران"),
    # presentation forms (NFKC)
    ("ﻻ", "لا"),
    # URLs, mentions, hashtags, emoji and Tifinagh intact
    ("شوف https://www.hespress.com/aaaa_bbb", "شوف https://www.hespress.com/aaaa_bbb"),
    ("@Hamid_Chabat_OFFICIEL ههههه", "@Hamid_Chabat_OFFICIEL هه"),
    ("#تعاقد_من_أجل_الكرامة", "#تعاقد_من_اجل_الكرامة"),
    ("👨\u200d👩\u200d👧 👍🏽 ❤️", "👨\u200d👩\u200d👧 👍🏽 ❤️"),
    ("ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ ⴰⴳⵯⵏⵙ", "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ ⴰⴳⵯⵏⵙ"),
    # Arabizi keeps its case and digits
    ("L7KOMA dyal Akhannouch", "L7KOMA dyal Akhannouch"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), DEFAULT)
def test_default(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مسؤولية الحكومة", "مسووليه الحكومه"),
        ("رئيس", "رييس"),
        ("سماء", "سما"),
        ("گاع Élection", "كاع election"),
        ("@X_y", "@X_y"),
    ],
)
def test_search(text, expected):
    assert normalize(text, "search") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("شوفو http://x.ma/A_B", "شوفو <url>"),
        ("@Hamid_99 واش", "<user> واش"),
        ("mail: a.b@gmail.com", "mail: <email>"),
        ("#تعاقد_من_أجل_الكرامة", "#تعاقد من اجل الكرامة"),
        ("Vote RNI", "vote rni"),
    ],
)
def test_model(text, expected):
    assert normalize(text, "model") == expected


def test_unknown_preset():
    with pytest.raises(ValueError, match="unknown preset"):
        normalize("x", "nope")


def test_primitives():
    assert strip_marks("إِنتخـــابات") == "انتخابات"
    assert collapse_repeats("!!!! ...") == "!!!! ..."  # only letters collapse
    assert fold_search("ة") == "ه"


def test_agrees_with_camel_tools_on_arabic():
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar

    text = "أَعْلَنَ إِبْرَاهِيمُ آخِرَ مُسْتَشْفَى فِي ٱلْمَدِينَةِ"
    camel = dediac_ar(normalize_alef_maksura_ar(normalize_alef_ar(text)))
    assert normalize(text) == camel


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(sorted(PRESETS)))
def test_idempotent_and_total(text, preset):
    once = normalize(text, preset)
    assert isinstance(once, str)
    assert normalize(once, preset) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("اأإآىيةؤئءـًٌٍَُِّْ@#_:/.w ‍‌ⵯⴳ😀🏽a١")), max_size=30))
def test_idempotent_on_tricky_alphabet(text):
    for preset in PRESETS:
        once = normalize(text, preset)
        assert normalize(once, preset) == once


@pytest.mark.parametrize("text", ["a\u200d\u0301", "a\u200b\u0301", "ـ\u0654ا", "\u0627\u200c\u0653"])
def test_removal_never_leaves_non_nfkc(text):
    import unicodedata

    for preset in PRESETS:
        once = normalize(text, preset)
        assert unicodedata.is_normalized("NFKC", once)
        assert normalize(once, preset) == once
