import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.torch import load_file

from arapol.modeling.data import (
    AUX_AGAINST_WEIGHT,
    AUX_NONE_WEIGHT,
    IGNORE,
    DataError,
    Labelled,
    Post,
    carve_dev,
    load_labelled,
    load_posts,
    multitask_targets,
    post_rows,
    read_table,
)
from arapol.modeling.model import load_model
from arapol.modeling.tiny import SENTENCES, SIZES, make_random_model
from arapol.modeling.train import (
    TrainArgs,
    TrainError,
    class_weights,
    epoch_order,
    lr_factor,
    train,
)

ACTORS = ["PJD", "PAM", "RNI", "GOV", "OTHER_POL"]
STANCES = ["favor", "against", "none"]

# (text template, target, stance, slogan, attack, attacked actors): made-up posts
KINDS = [
    ("صوتوا على الحمامة {}", "RNI", "favor", True, False, []),
    ("الحكومة فاشلة و شفارة {}", "GOV", "against", False, True, ["GOV"]),
    ("l7koma dyal akhannouch fachla {}", "RNI", "against", False, True, ["RNI"]),
    ("مباراة الوداد و الرجاء {}", None, "none", False, False, []),
    ("كلنا بنكيران ولاية ثانية {}", "PJD", "favor", True, False, []),
    ("الحكومة صادقت على مشروع القانون {}", "GOV", "none", False, False, []),
]
FILLERS = ["اليوم", "غدا", "bsa7", "والله", "👍", "#المغرب", "daba", "ⴰⵣⵓⵍ"]


def tiny_encoder(directory: Path) -> Path:
    """A RANDOM 2-layer BERT encoder (HF format, safetensors) with a toy tokenizer."""
    from transformers import BertConfig, BertModel

    from arapol.modeling.tokenizer import train_tokenizer
    from arapol.text.normalize import normalize

    texts = [normalize(t, "model") for t in SENTENCES * 4 + [k[0].format(f) for k in KINDS for f in FILLERS] * 2]
    tok = train_tokenizer(texts, vocab_size=400, min_frequency=1)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tok), max_position_embeddings=64, pad_token_id=tok.pad_token_id,
                        **SIZES["tiny"])
    BertModel(config).save_pretrained(directory)
    tok.save_pretrained(directory)
    return directory


def tiny_posts(path: Path, n: int = 96, seed: int = 0) -> Path:
    """A JSONL file of made-up labelled posts with a split column (train 72, dev 12, test 12)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text, target, stance, slogan, attack, attacked = KINDS[i % len(KINDS)]
            row = {"id": f"p{i}", "text": text.format(rng.choice(FILLERS)), "target": target, "stance": stance,
                   "slogan": slogan, "attack": attack, "attack_targets": attacked, "origin": "real",
                   "source": "made-up",
                   "split": "train" if (i // 6) % 6 < 4 else ("dev" if (i // 6) % 6 == 4 else "test")}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    return tiny_encoder(tmp_path_factory.mktemp("encoder"))


@pytest.fixture(scope="module")
def posts_file(tmp_path_factory):
    return tiny_posts(tmp_path_factory.mktemp("data") / "posts.jsonl")


def _args(encoder, data, output, **kw):
    settings = {"epochs": 3, "patience": 5, "batch_size": 8, "lr": 1e-3, "head_lr": 3e-3, "threads": 1}
    return TrainArgs(base_model=str(encoder), data=str(data), output=output, **{**settings, **kw})


# -- data ----------------------------------------------------------------------------------

def test_read_table_formats(tmp_path):
    rows = [{"text": "bravo", "label": "P"}, {"text": "الحكومة", "label": "N"}]
    (tmp_path / "a.csv").write_text("text,label\nbravo,P\nالحكومة,N\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    import pandas as pd

    pd.DataFrame(rows).to_parquet(tmp_path / "a.parquet")
    for name in ("a.csv", "a.jsonl", "a.parquet"):
        assert read_table(tmp_path / name) == rows
    with pytest.raises(DataError, match="unknown file type"):
        read_table(tmp_path / "a.xlsx")


def test_read_table_from_a_datasets_folder(tmp_path):
    from datasets import Dataset, DatasetDict

    DatasetDict({"train": Dataset.from_list([{"text": "bravo", "label": "P"}]),
                 "validation": Dataset.from_list([{"text": "الحكومة", "label": "N"}])}).save_to_disk(tmp_path / "dd")
    rows = read_table(tmp_path / "dd")
    assert rows == [{"text": "bravo", "label": "P", "split": "train"},
                    {"text": "الحكومة", "label": "N", "split": "validation"}]
    assert load_labelled(tmp_path / "dd")["dev"] == [Labelled("الحكومة", "N")]
    Dataset.from_list([{"text": "bravo", "label": "P"}]).save_to_disk(tmp_path / "one")
    assert read_table(tmp_path / "one") == [{"text": "bravo", "label": "P"}]
    from datasets import ClassLabel, Features, Value

    features = Features({"text": Value("string"), "label": ClassLabel(names=["N", "P"])})
    Dataset.from_dict({"text": ["bravo", "خايب"], "label": [1, 0]}, features=features).save_to_disk(tmp_path / "cl")
    assert [r["label"] for r in read_table(tmp_path / "cl")] == ["P", "N"]


@pytest.mark.parametrize(("value", "expected"), [
    (["PJD", "gov"], ("PJD", "GOV")), ('["PAM"]', ("PAM",)), ("PJD;RNI", ("PJD", "RNI")), ("", ()), (None, ()),
])
def test_post_rows_parse_attack_targets(value, expected):
    post = post_rows([{"text": "x", "target": "-", "slogan": "1", "attack": "false", "attack_targets": value}])[0]
    assert post.attack_targets == expected
    assert post.target is None and post.slogan is True and post.attack is False


def test_post_rows_reject_bad_boolean():
    with pytest.raises(DataError, match="slogan"):
        post_rows([{"text": "x", "slogan": "maybe"}])


def test_multitask_targets_main_and_auxiliary():
    posts = [
        Post("الحكومة فاشلة و البام شفارة", "GOV", "against", False, True, ("GOV", "PAM")),
        Post("مباراة الوداد", None, "none", False, False, ()),
        Post("البيجيدي", None, "none", False, False, ()),  # no gold target, main actor PJD -> none
    ]
    t = multitask_targets(posts, ACTORS, STANCES)
    gov, pam, pjd = ACTORS.index("GOV"), ACTORS.index("PAM"), ACTORS.index("PJD")
    assert t.stance[0, gov] == STANCES.index("against") and t.stance_weight[0, gov] == 1.0
    assert t.stance[0, pam] == STANCES.index("against") and t.stance_weight[0, pam] == AUX_AGAINST_WEIGHT
    assert t.stance[0, pjd] == STANCES.index("none") and t.stance_weight[0, pjd] == AUX_NONE_WEIGHT
    assert t.attack_targets[0].tolist() == [0, 1, 0, 1, 0]
    assert (t.stance_weight[1] <= AUX_NONE_WEIGHT).all()
    assert t.stance[2, pjd] == STANCES.index("none") and t.stance_weight[2, pjd] == 1.0
    plain = multitask_targets(posts, ACTORS, STANCES, 0.0, 0.0)
    assert (plain.stance[0] != IGNORE).sum() == 1 and (plain.stance[1] == IGNORE).all()


def test_load_posts_uses_split_column(posts_file):
    splits = load_posts(posts_file)
    assert {k: len(v) for k, v in splits.items()} == {"train": 72, "dev": 12, "test": 12}


def test_carve_dev_is_deterministic_and_disjoint(tmp_path):
    (tmp_path / "t.csv").write_text("text,label\n" + "".join(f"post {i},{i % 2}\n" for i in range(200)), "utf-8")
    a, b = load_labelled(tmp_path / "t.csv"), load_labelled(tmp_path / "t.csv")
    assert a == b and 0 < len(a["dev"]) < 40 and len(a["train"]) + len(a["dev"]) == 200
    assert not {x.text for x in a["train"]} & {x.text for x in a["dev"]}
    kept = carve_dev({"train": [Labelled("x", "1")], "dev": [Labelled("y", "0")], "test": []})
    assert kept["dev"] == [Labelled("y", "0")]


def test_load_labelled_missing_column(tmp_path):
    (tmp_path / "t.csv").write_text("body,label\nx,1\n", "utf-8")
    with pytest.raises(DataError, match="no column 'text'"):
        load_labelled(tmp_path / "t.csv")


# -- loop helpers ----------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 64), min_size=1, max_size=300), st.integers(1, 40), st.integers(0, 5))
def test_epoch_order_covers_every_example_once(lengths, batch_size, seed):
    batches = epoch_order(lengths, batch_size, seed)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(1 <= len(b) <= batch_size for b in batches)
    assert batches == epoch_order(lengths, batch_size, seed)


@pytest.mark.parametrize(("step", "expected"), [(0, 0.25), (3, 1.0), (4, 1.0), (8, 5 / 9), (13, 0.0), (20, 0.0)])
def test_lr_factor(step, expected):
    assert lr_factor(step, 13, 4) == pytest.approx(expected, abs=0.02)


def test_class_weights():
    assert class_weights([400, 100, 25]).tolist() == [1.0, 2.0, 4.0]


# -- training ----------------------------------------------------------------------------------

def test_multitask_training_reduces_loss_and_saves_a_calibrated_model(encoder, posts_file, tmp_path):
    result = train(_args(encoder, posts_file, tmp_path / "m", epochs=4), log=lambda _: None)
    losses = [h["train_loss"] for h in result.history]
    assert losses[-1] < losses[0]
    loaded = load_model(tmp_path / "m")
    cfg = loaded.config
    assert cfg.trained and cfg.max_length == 64
    assert all(0 < t for t in cfg.temperature.values()) and all(0 <= t <= 1 for t in cfg.thresholds.values())
    assert cfg.temperature == result.calibration["temperature"]
    names = {p.name for p in (tmp_path / "m").iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "manifest.json", "training.json"} <= names
    assert not [p for p in (tmp_path / "m").rglob("*") if p.suffix in (".bin", ".pt", ".pkl", ".pickle")]
    record = json.loads((tmp_path / "m" / "training.json").read_text("utf-8"))
    assert record["args"]["task"] == "multi" and len(record["history"]) == result.epochs_run
    assert set(result.dev) == {"stance_macro_f1", "slogan_f1", "attack_f1"}


def test_resume_follows_the_uninterrupted_path(encoder, posts_file, tmp_path):
    full = train(_args(encoder, posts_file, tmp_path / "full", epochs=2), log=lambda _: None)
    part = train(_args(encoder, posts_file, tmp_path / "part", epochs=2, max_steps=5, checkpoint_every=2),
                 log=lambda _: None)
    assert part.steps == 5
    state = json.loads((tmp_path / "part" / "checkpoint" / "state.json").read_text("utf-8"))
    assert state["step"] == 5 and not state["done"]
    resumed = train(_args(encoder, posts_file, tmp_path / "part", epochs=2, resume=True), log=lambda _: None)
    assert resumed.resumed_from_step == 5 and resumed.steps == full.steps
    a = load_file(tmp_path / "full" / "model.safetensors")
    b = load_file(tmp_path / "part" / "model.safetensors")
    assert all(torch.allclose(a[k], b[k], atol=1e-5) for k in a)


def test_refuses_to_overwrite_a_checkpoint_without_resume(encoder, posts_file, tmp_path):
    train(_args(encoder, posts_file, tmp_path / "m", max_steps=2), log=lambda _: None)
    with pytest.raises(TrainError, match="--resume"):
        train(_args(encoder, posts_file, tmp_path / "m", max_steps=2), log=lambda _: None)


@pytest.mark.parametrize("task", ["slogan", "nonsense"])
def test_single_head_and_unknown_tasks(encoder, posts_file, tmp_path, task):
    if task == "nonsense":
        with pytest.raises(TrainError, match="unknown task"):
            train(_args(encoder, posts_file, tmp_path / "m", task=task), log=lambda _: None)
        return
    result = train(_args(encoder, posts_file, tmp_path / "m", task=task, epochs=1), log=lambda _: None)
    assert [h["dev_score"] for h in result.history] == [h["slogan_f1"] for h in result.history]


def test_refuses_an_arapol_model_as_base(posts_file, tmp_path):
    model = make_random_model(tmp_path / "random")
    with pytest.raises(TrainError, match="already a fine-tuned"):
        train(_args(model, posts_file, tmp_path / "m"), log=lambda _: None)


def test_text_classification_with_pairs(encoder, tmp_path):
    from arapol.modeling.evaluate import classify

    rows = ["text,label,target"]
    for i in range(60):
        kind = i % 3
        rows.append([f"صوتوا على الحمامة {i},Favor,Vote", f"الحكومة فاشلة {i},Against,Gov",
                     f"مباراة الوداد {i},None,Sport"][kind])
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", "utf-8")
    result = train(_args(encoder, tmp_path / "t.csv", tmp_path / "clf", task="text-classification",
                         pair_column="target", epochs=2), log=lambda _: None)
    assert result.calibration["labels"] == ["Against", "Favor", "None"]
    config = json.loads((tmp_path / "clf" / "config.json").read_text("utf-8"))
    assert config["arapol_text_classification"]["pair_column"] == "target"
    labels, probs = classify(tmp_path / "clf", [Labelled("الحكومة فاشلة", "Against", "Gov")])
    assert labels[0] in ("Against", "Favor", "None") and np.isclose(probs.sum(), 1.0, atol=1e-5)


def test_wide_heads_join_where_they_help_on_dev(encoder, posts_file, tmp_path):
    import warnings

    from arapol.pipeline import load

    result = train(_args(encoder, posts_file, tmp_path / "m", epochs=1, max_steps=1), log=lambda _: None)
    wide = result.calibration["wide"]
    assert set(wide["mix"]) == {"stance", "slogan", "attack"} and wide["dev_scores"]["slogan"]
    loaded = load_model(tmp_path / "m")
    assert loaded.config.wide is not None and loaded.model.wide is not None  # a 1-step encoder needs help
    assert loaded.model.wide.mix == loaded.config.wide["mix"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nlp = load(tmp_path / "m")
    assert nlp("صوتوا على الحمامة اليوم").slogan is not None
    off = train(_args(encoder, posts_file, tmp_path / "n", epochs=1, max_steps=1, wide=False), log=lambda _: None)
    assert off.calibration["wide"] is None and load_model(tmp_path / "n").model.wide is None


def test_wide_auxiliary_tables_feed_the_wide_heads(encoder, posts_file, tmp_path):
    aux = tmp_path / "offensive.jsonl"
    rows = [{"text": t, "label": y} for t, y in [("الله ينعل بوكم شفارة", 1), ("كلاب و حمير", 1),
                                                  ("صباح الخير", 0), ("شكرا بزاف", 0)] * 5]
    aux.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    args = _args(encoder, posts_file, tmp_path / "m", epochs=1, max_steps=1, wide_auxiliary=[str(aux)])
    result = train(args, log=lambda _: None)
    assert result.calibration["wide"] is not None
    saved = json.loads((tmp_path / "m" / "training.json").read_text("utf-8"))
    assert saved["args"]["wide_auxiliary"] == [str(aux)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "x", "label": "P"}), encoding="utf-8")
    with pytest.raises(TrainError, match="0/1 label"):
        train(_args(encoder, posts_file, tmp_path / "b", epochs=1, max_steps=1, wide_auxiliary=[str(bad)]),
              log=lambda _: None)
