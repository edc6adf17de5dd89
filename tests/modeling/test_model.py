import json
import pickle
import shutil

import pytest
import torch

from arapol.modeling.config import ArapolConfig
from arapol.modeling.model import (
    ArapolModel,
    ModelFileError,
    load_model,
    verify_manifest,
    write_manifest,
)
from arapol.modeling.tiny import make_random_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return make_random_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def copy_dir(model_dir, tmp_path):
    return shutil.copytree(model_dir, tmp_path / "model")


def _batch(loaded, texts):
    ids = [e.ids for e in loaded.tokenizer.encode_batch(texts)]
    width = max(map(len, ids))
    input_ids = torch.tensor([i + [loaded.pad_id] * (width - len(i)) for i in ids])
    mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i in ids])
    return input_ids, mask


def test_directory_layout(model_dir):
    names = sorted(p.name for p in model_dir.iterdir())
    assert names == ["config.json", "manifest.json", "model.safetensors", "tokenizer.json",
                     "tokenizer_config.json"]
    config = json.loads((model_dir / "config.json").read_text())
    assert config["model_type"] == "bert"
    assert config["arapol"]["trained"] is False
    assert "RANDOM WEIGHTS" in config["arapol"]["description"]
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert set(manifest["files"]) == {"config.json", "model.safetensors", "tokenizer.json",
                                      "tokenizer_config.json"}


def test_same_seed_same_weights(model_dir, tmp_path):
    other = make_random_model(tmp_path / "again")
    a = load_model(model_dir).model.state_dict()
    b = load_model(other).model.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_heads_shapes_and_calibration(model_dir):
    loaded = load_model(model_dir)
    n_actors = len(loaded.config.actors)
    with torch.inference_mode():
        logits = loaded.model(*_batch(loaded, ["الحكومة فاشلة", "3lach l7koma ma dartch", "ⴰⵣⵓⵍ"]))
        probs = loaded.model.probabilities(logits)
    assert logits.stance.shape == (3, n_actors, 3)
    assert logits.slogan.shape == logits.attack.shape == (3,)
    assert logits.attack_targets.shape == (3, n_actors)
    assert torch.allclose(probs.stance.sum(-1), torch.ones(3, n_actors))
    assert torch.allclose(probs.slogan, torch.sigmoid(logits.slogan))


def test_temperature_flattens_probabilities(model_dir, copy_dir):
    config = json.loads((copy_dir / "config.json").read_text())
    config["arapol"]["temperature"] = {"stance": 100.0, "slogan": 100.0}
    (copy_dir / "config.json").write_text(json.dumps(config))
    write_manifest(copy_dir)
    hot, cold = load_model(copy_dir), load_model(model_dir)
    batch = _batch(hot, ["صوتوا على الحمامة"])
    with torch.inference_mode():
        p_hot = hot.model.probabilities(hot.model(*batch))
        p_cold = cold.model.probabilities(cold.model(*batch))
    spread = lambda p: (p.max(-1).values - p.min(-1).values).max()  # noqa: E731
    assert spread(p_hot.stance) < spread(p_cold.stance)
    assert abs(p_hot.slogan.item() - 0.5) < abs(p_cold.slogan.item() - 0.5) + 1e-9


def test_padding_does_not_change_a_post(model_dir):
    loaded = load_model(model_dir)
    with torch.inference_mode():
        alone = loaded.model(*_batch(loaded, ["صوتوا"]))
        padded = loaded.model(*_batch(loaded, ["صوتوا", "الحكومة ما دارت والو للشباب هاد العام"]))
    assert torch.allclose(alone.stance[0], padded.stance[0], atol=1e-5)
    assert torch.allclose(alone.slogan[0], padded.slogan[0], atol=1e-5)


def test_loading_never_unpickles(model_dir, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("unpickling during load")

    monkeypatch.setattr(torch, "load", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    assert load_model(model_dir).config.actors


def test_truncated_weights_are_refused(copy_dir):
    weights = copy_dir / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(ModelFileError, match=r"model\.safetensors is truncated"):
        load_model(copy_dir)


def test_tampered_weights_are_refused_before_building(copy_dir, monkeypatch):
    weights = copy_dir / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    monkeypatch.setattr(ArapolModel, "__init__", lambda *a, **k: pytest.fail("model built"))
    with pytest.raises(ModelFileError, match=r"model\.safetensors does not match its sha256"):
        load_model(copy_dir)


def test_tampered_config_is_refused(copy_dir):
    config = copy_dir / "config.json"
    config.write_text(config.read_text().replace('"slogan": 0.5', '"slogan": 0.01'))
    with pytest.raises(ModelFileError, match=r"config\.json"):
        load_model(copy_dir)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: (d / "manifest.json").unlink(), "no manifest.json"),
        (lambda d: (d / "tokenizer.json").unlink(), "tokenizer.json is missing"),
        (lambda d: (d / "manifest.json").write_text("{"), "not a valid manifest"),
        (lambda d: (d / "manifest.json").write_text('{"files": {}}'), "does not list"),
    ],
)
def test_incomplete_directories_are_refused(copy_dir, edit, message):
    edit(copy_dir)
    with pytest.raises(ModelFileError, match=message):
        verify_manifest(copy_dir)


def test_manifest_cannot_point_outside(copy_dir):
    manifest = json.loads((copy_dir / "manifest.json").read_text())
    manifest["files"]["../secret.json"] = {"sha256": "0" * 64, "size": 1}
    (copy_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match="outside the model directory"):
        verify_manifest(copy_dir)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"auto_map": {"AutoModel": "evil.Model"}}, "remote code"),
        ({"model_type": "no-such-encoder"}, "not a transformers built-in"),
        ({"hidden_size": 48, "num_attention_heads": 2}, "does not fit"),
    ],
)
def test_unsafe_or_mismatched_configs_are_refused(copy_dir, change, message):
    config = json.loads((copy_dir / "config.json").read_text())
    config.update(change)
    (copy_dir / "config.json").write_text(json.dumps(config))
    write_manifest(copy_dir)
    with pytest.raises(ModelFileError, match=message):
        load_model(copy_dir)


def test_from_encoder_puts_fresh_heads_on_a_saved_encoder(model_dir, tmp_path):
    encoder = load_model(model_dir).model.encoder
    encoder.save_pretrained(tmp_path / "encoder")  # safetensors
    model = ArapolModel.from_encoder(tmp_path / "encoder", ArapolConfig(head_hidden=32))
    state = model.encoder.state_dict()
    assert all(torch.equal(state[k], v) for k, v in encoder.state_dict().items())


@pytest.mark.parametrize("precision", ["int8", "bfloat16"])
def test_lower_precision_stays_close_to_float32(model_dir, precision):
    exact, fast = load_model(model_dir), load_model(model_dir, precision=precision)
    assert (exact.precision, fast.precision) == ("float32", precision)
    if precision == "int8":
        assert "quantized" in type(fast.model.slogan_head).__module__
    else:  # the wide heads' side: tests/modeling/test_wide.py
        assert fast.model.encoder.embeddings.word_embeddings.weight.dtype == torch.bfloat16
        assert fast.model.stance_head[0].weight.dtype == fast.model.target_queries.dtype == torch.bfloat16
    batch = _batch(exact, ["صوتوا على الحمامة", "l7okouma fachla bzaf", "ⴰⵣⵓⵍ"])
    with torch.inference_mode():
        logits = fast.model(*batch)
        p, q = (m.model.probabilities(m.model(*batch)) for m in (exact, fast))
    assert logits.stance.dtype == torch.float32
    for name in ("stance", "slogan", "attack", "attack_targets"):  # random tiny model: looser than ~0.01
        assert torch.allclose(getattr(p, name), getattr(q, name), atol=0.05), name


def test_int8_is_cpu_only(model_dir):
    with pytest.raises(ValueError, match="CPU only"):
        load_model(model_dir, device="meta", precision="int8")


def test_unknown_precision_is_refused(model_dir):
    with pytest.raises(ValueError, match="float32, bfloat16, int8"):
        load_model(model_dir, precision="float16")
