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
    ("ab", 4 + 3 + 2 + 1),        # " ab ": 1-grams ' ' a b ' ', 2-grams ' a' ab 'b ', 3-grams, 4-gram
    ("ab ab", 20),               # each word alone: no n-gram crosses a word boundary
    ("  ab\t\n", 10),             # any run of whitespace separates words
    ("abcdef", 8 + 7 + 6 + 5 + 4),  # " abcdef ": 8 characters, n-grams of 1 to 5
    ("ا ب", 6 + 4 + 2),
    ("", 0),
    ("   ", 0),
    ("\ud800", 3 + 2 + 1),        # a lone surrogate is hashed, not an error
])
def test_term_counts_count_character_ngrams_within_words(text, ngrams):
    counts = term_counts([text], N)
    assert counts.n_rows == 1 and counts.data.sum() == ngrams
    assert counts.csr().shape == (1, N)


def test_term_counts_are_the_same_alone_batched_and_in_chunks(monkeypatch):
    from arapol.modeling import ngrams

    texts = ["الحكومة فاشلة", "", "l7koma fachla", "ⴰⵣⵓⵍ", "الحكومة فاشلة"] * 3
    whole = term_counts(texts, N).csr().toarray()
    monkeypatch.setattr(ngrams, "_CHUNK", 4)
    assert (term_counts(texts, N).csr().toarray() == whole).all()
    for i, text in enumerate(texts):
        assert (term_counts([text], N).csr().toarray()[0] == whole[i]).all()
    assert (whole[0] == whole[4]).all() and whole[0].sum() > 0


def test_hashed_rows_dot_matches_scipy():
    x = tfidf(term_counts(["الحكومة فاشلة", "", "صوتوا على الحمامة"], N), np.ones(N, np.float32))
    w = np.random.default_rng(0).normal(size=(N, 3))
    assert np.allclose(x.dot(w), x.csr() @ w) and np.allclose(x.dot(w[:, 0]), x.csr() @ w[:, 0])


def test_tfidf_rows_are_unit_length_and_rare_ngrams_weigh_more():
    counts = term_counts(["الحكومة فاشلة", "الحكومة ناجحة", "الحكومة", ""], N)
    idf = fit_idf(counts)
    x = tfidf(counts, idf).csr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(1))).ravel()
    assert np.allclose(norms[:3], 1.0, atol=1e-5) and norms[3] == 0
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


@pytest.mark.parametrize("shape", [(6,), (6, 3)])
def test_fold_puts_auxiliary_logits_into_the_weights(shape):
    from scipy.sparse import csr_matrix, hstack

    from arapol.modeling.wide import _fold

    rng = np.random.default_rng(0)
    x = csr_matrix(rng.random((5, 6)) * (rng.random((5, 6)) > 0.5))
    aux = (rng.normal(size=(6, 2)), rng.normal(size=2))
    coef, bias = rng.normal(size=(8, *shape[1:])), rng.normal(size=shape[1:]) if len(shape) > 1 else 0.3
    augmented = hstack([x, csr_matrix(x @ aux[0] + aux[1])]).tocsr() @ coef + bias
    weight, folded_bias = _fold(coef, bias, 6, aux)
    assert np.allclose(x @ weight + folded_bias, augmented)


def test_fit_wide_uses_auxiliary_tasks_without_changing_inference():
    texts, targets, stance, binary = _toy()
    actors = ["RNI", "GOV"]
    dev_logits = {"stance": np.zeros((len(texts), 2, 3)), "slogan": np.full(len(texts), -1.0),
                  "attack": np.zeros(len(texts)), "attack_targets": np.zeros((len(texts), 2))}

    def score(head, logits):
        return _f1(binary[head], logits[head]) if head != "stance" else 0.0

    aux = [(texts, binary["attack"]), (texts[::-1], binary["slogan"][::-1])]
    plain = fit_wide(texts, targets, stance, binary, texts, dev_logits, score, actors, 3, n_features=N, c_grid=(10.0,))
    fit = fit_wide(texts, targets, stance, binary, texts, dev_logits, score, actors, 3, n_features=N,
                   c_grid=(10.0,), auxiliary=aux)
    assert set(fit.arrays) == set(plain.arrays) and fit.arrays["binary_weight"].shape == (N, 2)
    assert not np.allclose(fit.arrays["binary_weight"], plain.arrays["binary_weight"])
    heads = WideHeads(N, actors, 3, fit.config["mix"]).load_arrays(fit.arrays)
    for head in ("slogan", "attack"):  # the saved heads alone reproduce the fused dev logits
        assert np.allclose(dev_logits[head] + heads.logits(texts)[head], fit.dev_logits[head], atol=1e-4)


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
    half = load_model(tmp_path / "wide", precision="bfloat16")  # the network in bf16, the n-gram heads not
    assert half.model.slogan_head.weight.dtype == torch.bfloat16
    assert all(b.dtype == torch.float32 for b in half.model.wide.buffers())
    assert torch.equal(half.model.wide.binary_weight, model.wide.binary_weight)
    for head, value in half.model.wide.logits(texts).items():
        assert np.array_equal(value, loaded.model.wide.logits(texts)[head]), head


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
