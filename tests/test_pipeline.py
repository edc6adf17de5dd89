import dataclasses
import itertools
import math
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arapol
from arapol import pipeline as pipeline_module
from arapol.actors import find_actors, main_actor
from arapol.labels import Analysis, Stance
from arapol.modeling.evaluate import padded_batches
from arapol.modeling.tiny import make_random_model
from arapol.pipeline import Pipeline, UntrainedModelWarning, load

pytestmark = pytest.mark.filterwarnings("ignore::arapol.pipeline.UntrainedModelWarning")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return make_random_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def nlp(model_dir):
    return load(model_dir, device="cpu")


def _with_thresholds(nlp, **thresholds):
    config = dataclasses.replace(nlp.config, thresholds={**nlp.config.thresholds, **thresholds})
    other = Pipeline(dataclasses.replace(nlp.loaded, config=config), "cpu")
    return other


POSTS = [
    "صوتوا على الحمامة يوم 8 شتنبر",
    "l7okouma dyal akhannouch fachla",
    "كلنا بنكيران ولاية ثانية ان شاء الله",
    "الحكومة صادقت اليوم على مشروع قانون المالية",
    "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ",
    "#تعاقد_من_أجل_الكرامة https://example.ma/x @someone 😡👍🏽",
]


def test_load_is_exported_lazily(model_dir):
    assert arapol.load is load and arapol.Pipeline is Pipeline and arapol.Analysis is Analysis


def test_random_model_warns(model_dir):
    with pytest.warns(UntrainedModelWarning, match="RANDOM weights"):
        assert load(model_dir).trained is False


def test_no_bundled_model_gives_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline_module, "DEFAULT_MODEL_DIR", tmp_path / "arapol-base")
    monkeypatch.delenv("ARAPOL_MODEL", raising=False)
    with pytest.raises(FileNotFoundError, match="no default model is bundled") as info:
        load()
    assert "arapol.load('path/to/model')" in str(info.value) and "ARAPOL_MODEL" in str(info.value)


def test_default_model_from_the_environment(monkeypatch, model_dir, tmp_path):
    monkeypatch.setattr(pipeline_module, "DEFAULT_MODEL_DIR", tmp_path / "arapol-base")
    monkeypatch.setenv("ARAPOL_MODEL", str(model_dir))
    assert pipeline_module.resolve_model() == model_dir
    assert load().loaded.directory == model_dir


@pytest.mark.parametrize("name", ["./no/such/model", "/no/such/model", "a/b/c"])
def test_missing_local_directory(name):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load(name)


def test_single_post(nlp):
    a = nlp(POSTS[0])
    assert isinstance(a, Analysis) and a.error is None
    assert a.normalized == arapol.normalize(POSTS[0], "model")
    assert a.tokens == arapol.tokenize(POSTS[0])
    assert [m.actor for m in a.actors] == ["RNI"]
    assert a.stance.target == "RNI" and a.stance.label in set(Stance)
    assert set(a.stance.scores) == {"favor", "against", "none"}
    assert math.isclose(sum(a.stance.scores.values()), 1.0, abs_tol=2e-4)
    assert a.stance.score == max(a.stance.scores.values())
    assert a.slogan.label == (a.slogan.score >= 0.5)
    assert a.attack.label == (a.attack.score >= 0.5)
    assert a.script is not None and a.lang is not None


def test_batch_keeps_order_and_matches_single_calls(nlp):
    batch = nlp(POSTS, batch_size=2)
    assert [a.text for a in batch] == POSTS
    for post, a in zip(POSTS, batch, strict=True):
        single = nlp(post)
        assert a.stance.label == single.stance.label and a.slogan.label == single.slogan.label
        assert abs(a.stance.score - single.stance.score) <= 1e-4
        assert abs(a.attack.score - single.attack.score) <= 1e-4


def test_outputs_are_deterministic(nlp):
    assert [a.to_dict() for a in nlp(POSTS)] == [a.to_dict() for a in nlp(POSTS)]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (None, "text is missing (None)"),
        (float("nan"), "text is missing (NaN)"),
        (42, "text is not a string (int)"),
        (b"bytes", "text is not a string (bytes)"),
        ("", "text is empty"),
        ("  \n\t ", "text is empty"),
        ("\u200f\u200e\u200b", "text is empty after normalization"),
        ("bad \ud800 surrogate", "lone surrogate"),
    ],
)
def test_invalid_input_gives_an_error_not_an_exception(nlp, text, error):
    for a in (nlp(text), nlp([text, POSTS[0]])[0]):
        assert error in a.error
        assert a.stance is None and a.slogan is None and a.attack is None


def test_no_actor_means_stance_none_without_target(nlp):
    a = nlp("الجو زوين اليوم")
    assert a.actors == [] and a.error is None
    assert (a.stance.label, a.stance.target, a.stance.score, a.stance.scores) == (Stance.NONE, None, 1.0, {})
    assert a.slogan is not None and a.attack is not None


def test_given_target_overrides_the_main_actor(nlp):
    assert nlp(POSTS[0], target="pjd").stance.target == "PJD"
    a = nlp(POSTS[:2], targets=["GOV", None])
    assert [x.stance.target for x in a] == ["GOV", main_actor(POSTS[1])]


def test_unknown_target_is_a_row_error(nlp):
    a = nlp(POSTS[0], target="NOPE")
    assert "unknown target 'NOPE'" in a.error and a.stance is None
    assert nlp([POSTS[0]], targets=[3])[0].error == "target is not a string (int)"


def test_targets_must_match_texts(nlp):
    with pytest.raises(ValueError, match="2 texts but 1 targets"):
        nlp(POSTS[:2], targets=["RNI"])


def test_thresholds_come_from_the_config(nlp):
    always = _with_thresholds(nlp, slogan=0.0, attack=0.0, attack_targets=1.0)
    never = _with_thresholds(nlp, slogan=1.0, attack=1.0)
    for a in always(POSTS):
        assert a.slogan.label and a.attack.label
        assert len(a.attack.targets) == 1  # none above 1.0: the top actor
    for a in never(POSTS):
        assert not a.slogan.label and not a.attack.label and a.attack.targets == []
    every = _with_thresholds(nlp, attack=0.0, attack_targets=0.0)
    assert every(POSTS[4]).attack.targets == nlp.config.actors  # names no actor: the head decides
    assert every(POSTS[0]).attack.targets == ["RNI"]  # the stance target (main actor) is the one attacked
    assert every(POSTS[4], target="PAM").attack.targets == ["PAM"]


def test_pipe_is_lazy(nlp):
    pulled = itertools.count()

    def endless():
        for i in pulled:
            yield f"post {i} l7koma"

    first = list(itertools.islice(nlp.pipe(endless(), batch_size=4), 3))
    assert [a.text for a in first] == ["post 0 l7koma", "post 1 l7koma", "post 2 l7koma"]
    assert next(pulled) <= 2 * 4 * pipeline_module.WINDOW_BATCHES + 1  # two windows at most


def test_identical_texts_run_once(nlp, monkeypatch):
    seen = []
    forward = Pipeline._forward

    def spy(self, texts, batch_size, wide=None):
        seen.extend(texts)
        return forward(self, texts, batch_size, wide)

    monkeypatch.setattr(Pipeline, "_forward", spy)
    out = nlp([POSTS[0]] * 50 + [POSTS[1]], batch_size=8)
    assert len(seen) == 2
    assert len({a.stance.score for a in out[:50]}) == 1


def test_batches_are_bucketed_by_length(nlp):
    ids = [[1] * n for n in (30, 2, 29, 3, 28, 4)]
    widths = [mask.shape[1] for _, _, mask in padded_batches(ids, nlp.loaded.pad_id, 2)]
    assert widths == [3, 28, 30]


def test_one_megabyte_post(nlp):
    post = ("صوتوا على الحمامة l7koma ⴰⵣⵓⵍ 😡 " * 40_000)[:1_000_000]
    a = nlp(post)
    assert a.error is None and a.stance.target == main_actor(a.actors)
    assert len(a.tokens) > 100_000


@pytest.mark.parametrize(
    "text",
    [
        "\u202eالحكومة\u202c \u2066l7koma\u2069",  # bidi overrides and isolates
        "\x00\x01\x1b[31mred\x7f",  # control characters
        "ⴰⵣⵓⵍ bonjour مرحبا 3lach",  # mixed scripts
        "😡" * 5000,
        "\ufeff\u200d\u200c",
        "a" * 10_000,
    ],
)
def test_odd_text_never_raises(nlp, text):
    a = nlp(text)
    assert a.text == text
    assert (a.error is None) == (a.stance is not None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(), st.none(), st.integers()), max_size=6))
def test_any_input_gives_one_analysis_each(nlp, texts):
    out = nlp(texts, batch_size=3)
    assert len(out) == len(texts)
    for text, a in zip(texts, out, strict=True):
        assert a.text == (text if isinstance(text, str) else None)
        assert (a.error is None) == (a.stance is not None)
        if a.error is None:
            assert a.stance.label in set(Stance) and 0.0 <= a.attack.score <= 1.0
    assert [a.to_dict() for a in nlp(texts, batch_size=3)] == [a.to_dict() for a in out]


def test_pickles_by_reference(nlp):
    copy = pickle.loads(pickle.dumps(nlp))
    assert copy.loaded.directory == nlp.loaded.directory
    assert copy(POSTS[0]).to_dict() == nlp(POSTS[0]).to_dict()


def test_to_row_is_flat(nlp):
    row = nlp(POSTS[1]).to_row()
    assert list(row) == list(arapol.labels.ROW_COLUMNS)
    assert row["actors"] == list(dict.fromkeys(m.actor for m in find_actors(POSTS[1])))
    assert row["error"] is None
    assert isinstance(row["slogan"], bool) and isinstance(row["attack_targets"], list)


@pytest.mark.parametrize("precision", ["int8", "bfloat16"])
def test_lower_precision_labels_like_float32(model_dir, nlp, precision):
    fast = load(model_dir, precision=precision)
    assert precision in repr(fast) and fast.loaded.precision == precision
    for a, b in zip(nlp(POSTS), fast(POSTS), strict=True):
        assert a.stance.target == b.stance.target
        assert abs(a.slogan.score - b.slogan.score) < 0.05 and abs(a.attack.score - b.attack.score) < 0.05
    copy = pickle.loads(pickle.dumps(fast))
    assert copy.loaded.precision == precision
    assert [x.to_dict() for x in copy(POSTS)] == [x.to_dict() for x in fast(POSTS)]


def test_preprocessing_processes_give_the_same_labels(nlp, monkeypatch):
    monkeypatch.setattr(pipeline_module, "WINDOW_BATCHES", 1)  # windows of batch_size posts
    posts = [f"{p} {i}" for i, p in enumerate(POSTS * 4)] + [None, 42, ""]
    targets = [None, "RNI", float("nan"), "pjd", "nobody"] * 5 + [None, None]
    threads = [a.to_dict() for a in nlp.pipe(posts, targets, batch_size=4)]
    processes = [a.to_dict() for a in nlp.pipe(posts, targets, batch_size=4, n_process=2)]
    assert processes == threads and len(threads) == len(posts)
    assert processes[-3]["error"] == "text is missing (None)" and processes[-2]["error"].startswith("text is not")


def test_a_post_that_cannot_be_pickled_is_prepared_in_process(nlp, monkeypatch):
    monkeypatch.setattr(pipeline_module, "WINDOW_BATCHES", 1)
    posts = POSTS * 2 + [lambda: None]  # a lambda cannot cross to a worker process
    out = list(nlp.pipe(posts, batch_size=4, n_process=2))
    assert len(out) == len(posts) and out[-1].error == "text is not a string (function)"
    assert [a.to_dict() for a in out[:-1]] == [a.to_dict() for a in nlp(POSTS * 2, batch_size=4)]
