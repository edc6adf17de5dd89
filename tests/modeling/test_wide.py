import numpy as np
import pytest
import torch

from arapol.modeling.config import ArapolConfig, ConfigError
from arapol.modeling.model import load_model, save_model
from arapol.modeling.tiny import make_random_model
from arapol.modeling.wide import (
    WideHeads,
    fit_idf,
    fit_wide,
    stance_mask,
    term_counts,
    tfidf,
    wide_config,
)

N = 1024


@pytest.mark.parametrize(("text", "ngrams"), [
    ("ab", 3 + 2 + 1),  # char_wb pads words with spaces: " ab " -> 1-grams ' ', a, b (dup ' '), ...
    ("", 0),
])
def test_term_counts_are_character_ngrams(text, ngrams):
    counts = term_counts([text], N)
    assert counts.shape == (1, N)
    assert (counts.sum() > 0) == (ngrams > 0)


def test_tfidf_rows_are_unit_length_and_rare_ngrams_weigh_more():
    counts = term_counts(["الحكومة فاشلة", "الحكومة ناجحة", "الحكومة"], N)
    idf = fit_idf(counts)
    x = tfidf(counts, idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(1))).ravel()
    assert np.allclose(norms, 1.0, atol=1e-5)
    assert idf.min() >= 1.0 and idf.dtype == np.float32


@pytest.mark.parametrize(("text", "mask"), [
    ("صوتوا على الحمامة", [True, False, False]),          # names RNI only
    ("بنكيران و الحمامة", [True, True, False]),            # names RNI and PJD
    ("ما كاين والو", [True, True, True]),                 # names nobody: a page comment, any target
    ("الحكومة فاشلة", [True, True, True]),                # names GOV, which is not among these actors
])
def test_stance_mask_follows_the_named_actors(text, mask):
    assert stance_mask([text], ["RNI", "PJD", "PAM"]).tolist() == [mask]


def test_wide_stance_leaves_unnamed_actors_to_the_encoder():
    heads = WideHeads(N, ["RNI", "PJD"], n_stances=3, mix={"stance": 1.0})
    heads.load_arrays({"stance_bias": [1.0, -1.0, 0.0]})
    out = heads.logits(["صوتوا على الحمامة"])["stance"][0]
    assert out[0].tolist() == [1.0, -1.0, 0.0] and out[1].tolist() == [0.0, 0.0, 0.0]


def test_mix_scales_the_wide_logits():
    heads = WideHeads(N, ["RNI", "PJD"], n_stances=3, mix={"stance": 2.0, "slogan": 0.0, "attack": 1.0})
    rng = np.random.default_rng(0)
    heads.load_arrays({"stance_weight": rng.normal(size=(N, 3)), "binary_weight": rng.normal(size=(N, 2)),
                       "stance_actor": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]})
    raw, mixed = heads.raw_logits(["صوتوا"]), heads.logits(["صوتوا"])  # names nobody: all actors
    assert np.allclose(mixed["stance"], 2 * raw["stance"]) and np.all(mixed["slogan"] == 0)
    assert np.allclose(raw["stance"][0, 0] - raw["stance"][0, 1], [1.0, -1.0, 0.0], atol=1e-5)


def _toy():
    texts = ["صوتوا على الحمامة", "الحكومة فاشلة", "صوتوا يا ناس", "الحكومة كذابة", "مباراة اليوم", "جو زوين"] * 6
    slogan = np.array([1, 0, 1, 0, 0, 0] * 6)
    attack = np.array([0, 1, 0, 1, 0, 0] * 6)
    targets = ["RNI", "GOV", None, "GOV", None, None] * 6
    stance = np.array([0, 1, -1, 1, -1, -1] * 6)
    stance[4] = 2  # a 'none' example so that all three classes exist
    targets = list(targets)
    targets[4] = "RNI"
    return texts, targets, stance, {"slogan": slogan, "attack": attack}


def _f1(y, scores):
    pred = scores > 0
    tp = int((pred & (y == 1)).sum())
    return 2 * tp / max(1, int(pred.sum()) + int((y == 1).sum()))


def test_fit_wide_mixes_in_only_where_dev_improves():
    texts, targets, stance, binary = _toy()
    actors = ["RNI", "GOV"]
    dev_logits = {"stance": np.zeros((len(texts), 2, 3)), "slogan": np.full(len(texts), -1.0),
                  "attack": np.where(binary["attack"] == 1, 5.0, -5.0), "attack_targets": np.zeros((len(texts), 2))}

    def score(head, logits):
        return _f1(binary[head], logits[head]) if head != "stance" else 0.0

    fit = fit_wide(texts, targets, stance, binary, texts, dev_logits, score, actors, 3, n_features=N, c_grid=(10.0,))
    assert fit.config["mix"]["slogan"] > 0  # the encoder logits knew nothing about slogans
    assert fit.config["mix"]["attack"] == 0  # ... but everything about attacks
    assert fit.config["mix"]["stance"] == 0  # a score that never improves keeps the encoder alone
    assert _f1(binary["slogan"], fit.dev_logits["slogan"]) == 1.0
    assert np.array_equal(fit.dev_logits["attack"], dev_logits["attack"])


def test_wide_heads_survive_save_and_load(tmp_path):
    base = load_model(make_random_model(tmp_path / "base"))
    model, cfg = base.model, base.config
    section = wide_config(N, {"stance": 1.0, "slogan": 1.0, "attack": 0.5})
    rng = np.random.default_rng(1)
    model.set_wide(section, {"idf": rng.uniform(1, 3, N), "binary_weight": rng.normal(size=(N, 2))})
    assert model.config.wide == section and cfg.wide is None
    from transformers import PreTrainedTokenizerFast

    tok = PreTrainedTokenizerFast(tokenizer_file=str(tmp_path / "base" / "tokenizer.json"), pad_token="[PAD]")
    save_model(model, tok, tmp_path / "wide")
    loaded = load_model(tmp_path / "wide")
    assert loaded.config.wide == section
    assert torch.equal(loaded.model.wide.binary_weight, model.wide.binary_weight)
    texts = ["صوتوا على الحمامة", "l7koma"]
    assert np.allclose(loaded.model.wide.logits(texts)["slogan"], model.wide.logits(texts)["slogan"])


@pytest.mark.parametrize("wide", [{"n_features": 3, "mix": {}}, {"n_features": N, "mix": {"stance": -1}},
                                  {"n_features": N, "mix": {"topic": 1.0}}, {"n_features": N, "mix": {"slogan": float("nan")}},
                                  {"n_features": N, "ngram_range": [3, 2]}])
def test_bad_wide_sections_are_refused(wide):
    with pytest.raises(ConfigError, match="wide"):
        ArapolConfig(wide=wide)


def test_docstring_examples():
    import doctest

    from arapol.modeling import model, ngrams, wide

    assert all(doctest.testmod(m).failed == 0 for m in (model, ngrams, wide))


def test_a_config_without_wide_reads_as_before():
    assert "wide" not in ArapolConfig().to_dict()
    section = wide_config(N)
    assert ArapolConfig.from_dict(ArapolConfig(wide=section).to_dict()).wide == section
