import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arapol.text.tokenize import segment_hashtag, tokenize

CASES = [
    ("3lach l7koma ma dartch 9bel", ["3lach", "l7koma", "ma", "dartch", "9bel"]),
    ("الحكومة فاشلة، والله!", ["الحكومة", "فاشلة", "،", "والله", "!"]),
    ("واش هادي حكومة؟", ["واش", "هادي", "حكومة", "؟"]),
    ("مسا؛ صباح", ["مسا", "؛", "صباح"]),
    ("كَتَبَ الدرس", ["كَتَبَ", "الدرس"]),
    ("#تعاقد_من_أجل_الكرامة غدا", ["#تعاقد_من_أجل_الكرامة", "غدا"]),
    ("@RNI_officiel bravo", ["@RNI_officiel", "bravo"]),
    ("voir https://www.pjd.ma/news?id=1.", ["voir", "https://www.pjd.ma/news?id=1", "."]),
    ("contact: info@usfp.ma", ["contact", ":", "info@usfp.ma"]),
    ("😡😡 👍🏽", ["😡", "😡", "👍🏽"]),
    ("👨\u200d👩\u200d👧 🇲🇦", ["👨\u200d👩\u200d👧", "🇲🇦"]),
    ("ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ, ⴰⴳⵯⵏⵙ", ["ⴰⵣⵓⵍ", "ⴼⵍⴰⵡⵏ", ",", "ⴰⴳⵯⵏⵙ"]),
    ("c'est la faute du gouvernement!!!", ["c'est", "la", "faute", "du", "gouvernement", "!!!"]),
    ("الأسعار طلعت 3.5 مرات", ["الأسعار", "طلعت", "3.5", "مرات"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_tokenize(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("#تعاقد_من_أجل_الكرامة", ["تعاقد", "من", "أجل", "الكرامة"]),
        ("#VoteRNI2021", ["Vote", "RNI", "2021"]),
        ("#Akhannouch_Irhal", ["Akhannouch", "Irhal"]),
        ("#l7aq_f_chghol", ["l7aq", "f", "chghol"]),
        ("#مقاطعون", ["مقاطعون"]),
        ("#ⴰⵣⵓⵍ_ⴼⵍⴰⵡⵏ", ["ⴰⵣⵓⵍ", "ⴼⵍⴰⵡⵏ"]),
    ],
)
def test_segment_hashtag(tag, words):
    assert segment_hashtag(tag) == words


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokens_cover_non_space_text(text):
    tokens = tokenize(text)
    assert all(tok and not tok.isspace() for tok in tokens)
    assert "".join(tokens) == "".join(text.split())
