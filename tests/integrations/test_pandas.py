import pandas as pd
import pytest

import arapol
from arapol.labels import ROW_COLUMNS
from arapol.modeling.tiny import make_random_model
from arapol.pipeline import load

pytestmark = pytest.mark.filterwarnings("ignore::arapol.pipeline.UntrainedModelWarning")


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return load(make_random_model(tmp_path_factory.mktemp("tiny")))


def test_label_frame_adds_columns_and_keeps_index(nlp):
    df = pd.DataFrame({"body": ["صوتوا على الحمامة", None, "l7koma fachla", ""], "who": [None, "GOV", "pjd", None],
                       "stance": ["old"] * 4}, index=[10, 11, 12, 13])
    out = arapol.label_frame(df, text_column="body", target_column="who", nlp=nlp)
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out.columns) == ["body", "who", *ROW_COLUMNS]
    assert out["stance_target"].fillna("-").tolist() == ["RNI", "-", "PJD", "-"]  # "pjd" given
    assert out["error"].fillna("-").tolist() == ["-", "text is missing (NaN)", "-", "text is empty"]
    assert str(out["slogan"].dtype) == "boolean" and str(out["stance_score"].dtype) == "Float64"
    assert out.loc[11, "slogan"] is pd.NA and out.loc[10, "actors"] == ["RNI"]
    assert df["stance"].tolist() == ["old"] * 4  # the input is not modified


def test_label_frame_matches_the_pipeline(nlp):
    texts = ["كلنا بنكيران ولاية ثانية", "الحكومة صادقت على قانون المالية"]
    out = arapol.label_frame(pd.DataFrame({"text": texts}), nlp=nlp)
    assert out["stance_score"].tolist() == [a.stance.score for a in nlp(texts)]


def test_nullable_string_columns(nlp):
    df = pd.DataFrame({"text": pd.array(["كلنا بنكيران", pd.NA], dtype="string"),
                       "who": pd.array([pd.NA, "RNI"], dtype="string")})
    out = arapol.label_frame(df, target_column="who", nlp=nlp)
    assert out["error"][1] == "text is missing (NA)" and out["stance_target"][1] is pd.NA


def test_missing_column(nlp):
    with pytest.raises(KeyError, match="'text' is not in the DataFrame"):
        arapol.label_frame(pd.DataFrame({"body": ["x"]}), nlp=nlp)
