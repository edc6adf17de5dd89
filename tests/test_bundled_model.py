"""The bundled default model (models/arapol-base): present, verified, trained, and right on
unambiguous posts (made up for this test, one per rule of the label scheme)."""

import warnings

import pytest

import arapol
from arapol.modeling.model import load_model, verify_manifest
from arapol.pipeline import DEFAULT_MODEL_DIR, UntrainedModelWarning


@pytest.fixture(scope="module")
def nlp():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UntrainedModelWarning)  # the bundled model must be a trained one
        return arapol.load()


def test_bundled_model_is_verified_small_and_trained():
    files = verify_manifest(DEFAULT_MODEL_DIR)
    assert {"config.json", "model.safetensors", "tokenizer.json", "training.json"} <= set(files)
    assert sum(f["size"] for f in files.values()) < 64 * 2**20  # "a few tens of MB at most"
    config = load_model(DEFAULT_MODEL_DIR).config
    assert config.trained and config.max_length == 64
    assert all(t > 0 for t in config.temperature.values())


def test_load_without_argument_gives_the_bundled_model(nlp, monkeypatch):
    assert nlp.trained and nlp.loaded.directory == DEFAULT_MODEL_DIR


@pytest.mark.parametrize(("text", "slogan", "attack", "stance", "target"), [
    ("صوتوا على الحمامة يوم 8 شتنبر، معا نبني المستقبل #صوتوا_للأحرار", True, False, "favor", "RNI"),
    pytest.param("بنكيران كذاب و حزب العدالة والتنمية شفارين", False, True, "against", "PJD", marks=pytest.mark.xfail(
        strict=True, reason="known error of arapol-base v1 (MODEL_CARD.md, Limitations): the attack is found, "
                            "but the stance toward PJD comes out favor; most real PJD posts in training favour it")),
    ("الحكومة ديال أخنوش فاشلة و كذابة", False, True, "against", "RNI"),
    ("مباراة الوداد والرجاء كانت زوينة البارح", False, False, "none", None),
])
def test_clear_posts(nlp, text, slogan, attack, stance, target):
    a = nlp(text)
    assert a.error is None
    assert (a.slogan.label, a.attack.label) == (slogan, attack)
    assert (a.stance.label.value, a.stance.target) == (stance, target)


@pytest.mark.parametrize("precision", ["int8", "bfloat16"])
def test_lower_precision_agrees_on_clear_posts(nlp, precision):
    fast = arapol.load(precision=precision)
    texts = ["صوتوا على الحمامة يوم 8 شتنبر", "بنكيران كذاب و حزبو شفار", "الحكومة صادقت على مشروع قانون المالية"]
    for a, b in zip(nlp(texts), fast(texts), strict=True):
        assert (a.stance.label, a.slogan.label, a.attack.label) == (b.stance.label, b.slogan.label, b.attack.label)
        assert abs(a.attack.score - b.attack.score) < 0.05
