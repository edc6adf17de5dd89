import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arapol.text.detect import (
    LANGS,
    MODEL_PATH,
    SCRIPTS,
    LangModel,
    default_model,
    detect,
    script_of,
    text_ngram_ids,
)
from arapol.text.tokenize import tokenize

LANG_CASES = [
    # (text, script, lang)
    ("أعلنت الحكومة المغربية اليوم عن إجراءات جديدة لدعم القدرة الشرائية للمواطنين", "arabic", "msa"),
    ("واش غادي تصوت على الحمامة ولا لا", "arabic", "darija"),
    ("الله يهديكم اشنو هاد الشي", "arabic", "darija"),
    ("l7koma dyal akhannouch fachla", "latin", "darija"),
    ("3lach had l7okoma ma katdir walou l cha3b", "latin", "darija"),
    ("ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ", "tifinagh", "amazigh"),
    ("Azul fellawen, ansuf yiswen", "latin", "amazigh"),
    ("Le gouvernement a annoncé de nouvelles mesures pour soutenir le pouvoir d'achat.", "latin", "french"),
    ("je pense que le gouvernement doit démissionner", "latin", "french"),
    ("The government announced new measures to support the purchasing power of citizens.", "latin", "english"),
    ("انا مش عارف ازاي الناس دي بتفكر كده", "arabic", "other"),
    ("😡😡 https://t.co/abc 🇲🇦", "other", "other"),
    ("", "other", "other"),
    ("123 !!! ...", "other", "other"),
    ("@pjd_officiel https://pjd.ma", "other", "other"),
    ("Привет как дела", "other", "other"),
]


@pytest.mark.parametrize(("text", "script", "lang"), LANG_CASES)
def test_detect_examples(text, script, lang):
    result = detect(text)
    assert (result.script, result.lang) == (script, lang)


@pytest.mark.parametrize(
    ("token", "script"),
    [
        ("l7koma", "latin"),
        ("élection", "latin"),
        ("tutlayt", "latin"),
        ("nneɣ", "latin"),
        ("الحكومة", "arabic"),
        ("كَتَبَ", "arabic"),
        ("ﻻ", "arabic"),  # presentation form
        ("ⴰⵣⵓⵍ", "tifinagh"),
        ("#تعاقد_من_أجل_الكرامة", "arabic"),
        ("#VoteRNI2021", "latin"),
        ("2021", "other"),
        ("3.5", "other"),
        ("!!", "other"),
        ("😡", "other"),
        ("👍🏽", "other"),
        ("@RNI_officiel", "other"),
        ("https://www.pjd.ma/news", "other"),
        ("info@usfp.ma", "other"),
        ("Привет", "other"),
    ],
)
def test_script_of(token, script):
    assert script_of(token) == script


def test_token_scripts_follow_tokenize():
    text = "Bravo @RNI_officiel ⴰⵣⵓⵍ الحكومة 2021 😡"
    assert detect(text).token_scripts == [
        ("Bravo", "latin"),
        ("@RNI_officiel", "other"),
        ("ⴰⵣⵓⵍ", "tifinagh"),
        ("الحكومة", "arabic"),
        ("2021", "other"),
        ("😡", "other"),
    ]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("الحكومة fachla bzaf", "mixed"),
        ("ⴰⵣⵓⵍ salam", "mixed"),
        ("واش كاين شي جديد في الانتخابات ديال هاد العام ok", "arabic"),  # 2 of 38 letters Latin
        ("https://example.com/abc/def واش كاين شي جديد", "arabic"),  # links do not count
        ("@Hamid_Chabat_officiel واش كاين", "arabic"),  # nor do mentions
        ("bravo 👏👏 2021 !!!", "latin"),
    ],
)
def test_post_script(text, script):
    assert detect(text).script == script


def test_mixed_post_gets_a_language_of_either_script():
    assert detect("الحكومة fachla bzaf").lang == "darija"


def test_to_dict_is_json_ready():
    result = detect("l7koma dyal akhannouch fachla 😡")
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data) == {"script", "lang", "confidence", "token_scripts"}
    assert data["token_scripts"][-1] == ["😡", "other"]
    assert 0.0 < data["confidence"] <= 1.0


def test_tifinagh_and_letterless_posts_are_certain():
    assert detect("ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ").confidence == 1.0
    assert detect("😡").confidence == 1.0


def test_script_restricts_the_classes():
    # a model that always prefers msa still cannot call a Latin post msa
    model = LangModel(LANGS, np.zeros((2**4, len(LANGS)), np.float32),
                      np.array([5.0, 0, 0, 0, 0, 0], np.float32), bits=4)
    assert detect("واش", model).lang == "msa"
    assert detect("bravo", model).lang in {"darija", "amazigh", "french", "english"}
    assert detect("bravo", model).confidence == pytest.approx(0.25)


@pytest.mark.parametrize(
    "text", ["واش غادي تصوت على الحمامة ولا لا 😡 #تعاقد_من_أجل_الكرامة", "Bravo @RNI!! l7kooooma", "a", ""]
)
def test_cached_token_scores_equal_the_training_features(text):
    # detect sums cached per-token scores; training sees text_ngram_ids: both must agree
    model = LangModel.load()
    ids = text_ngram_ids(text, model.bits)
    expected = model.bias + model.weights[ids].sum(axis=0) / math.sqrt(max(len(ids), 1))
    assert model.scores(tokenize(text)) == pytest.approx(expected.tolist(), abs=1e-4)


def test_model_file_is_small_and_complete():
    assert MODEL_PATH.stat().st_size < 5_000_000
    assert set(default_model().langs) == set(LANGS)


TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةىـًٌٍَُِّ"),
        st.sampled_from("ⴰⴱⴳⴷⴹⴻⴼⴽⵀⵃⵄⵅⵇⵉⵊⵍⵎⵏⵓⵔⵕⵖⵙⵚⵛⵜⵟⵡⵢⵣⵥⵯ"),
        st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàç3790 @#_:/.😡🇲🇦👍🏽\u200d\n\t"),
    )
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_text_gives_allowed_outputs(text):
    result = detect(text)
    assert result.script in SCRIPTS
    assert result.lang in LANGS
    assert 0.0 < result.confidence <= 1.0
    assert [token for token, _ in result.token_scripts] == tokenize(text)
    assert {script for _, script in result.token_scripts} <= {"arabic", "latin", "tifinagh", "other"}
    if result.script == "tifinagh":
        assert result.lang == "amazigh"
    json.dumps(result.to_dict())
