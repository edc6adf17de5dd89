import datasets
import pytest

import arapol
from arapol.actors import main_actor
from arapol.labels import ROW_COLUMNS
from arapol.modeling.tiny import make_random_model
from arapol.pipeline import load

pytestmark = pytest.mark.filterwarnings("ignore::arapol.pipeline.UntrainedModelWarning")

TEXTS = ["صوتوا على الحمامة", "", "l7koma fachla", "كلنا بنكيران", "ⴰⵣⵓⵍ", "الحكومة فاشلة"]


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return load(make_random_model(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(autouse=True)
def _no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path))
    datasets.disable_caching()


def test_label_dataset(nlp):
    ds = datasets.Dataset.from_dict({"text": TEXTS, "who": [None, None, "RNI", None, None, None]})
    out = arapol.label_dataset(ds, target_column="who", nlp=nlp)
    assert out.column_names == ["text", "who", *ROW_COLUMNS]
    assert out["stance_target"] == [main_actor(t) for t in TEXTS[:2]] + ["RNI"] + [main_actor(t) for t in TEXTS[3:]]
    assert out["error"][1] == "text is empty"
    assert out.features["slogan"].dtype == "bool"
    assert out["attack_score"] == [a.attack.score if a.attack else None for a in nlp(TEXTS, targets=ds["who"])]


def test_label_dataset_in_two_processes(nlp):
    ds = datasets.Dataset.from_dict({"text": TEXTS * 4})
    out = arapol.label_dataset(ds, num_proc=2, nlp=nlp, batch_size=2)
    assert out["stance_score"] == arapol.label_dataset(ds, nlp=nlp)["stance_score"]


def test_missing_column(nlp):
    with pytest.raises(KeyError, match="'body'"):
        arapol.label_dataset(datasets.Dataset.from_dict({"text": ["x"]}), text_column="body", nlp=nlp)
