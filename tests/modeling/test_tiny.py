import pytest
import torch

from arapol.modeling.tiny import bert_base_classifier, make_random_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return make_random_model(tmp_path_factory.mktemp("tiny"))


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_bert_base_classifier_runs_in_the_dtype_asked(model_dir, dtype):
    classify = bert_base_classifier(model_dir / "tokenizer.json", threads=1, dtype=dtype)
    assert classify.model.config.hidden_size == 768 and classify.model.config.num_hidden_layers == 12
    assert classify.model.dtype == getattr(torch, dtype)
    out = classify(["صوتوا على الحمامة", "l7koma"], truncation=True, max_length=64)
    assert [sorted(o) for o in out] == [["label", "score"]] * 2
