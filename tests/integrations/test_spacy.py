import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from arapol.actors import main_actor
from arapol.integrations.spacy import ArapolTokenizer
from arapol.labels import Analysis
from arapol.modeling.tiny import make_random_model

pytestmark = pytest.mark.filterwarnings("ignore::arapol.pipeline.UntrainedModelWarning")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return str(make_random_model(tmp_path_factory.mktemp("tiny")))


def test_component_sets_doc_extension(model_dir):
    nlp = spacy.blank("ar")
    nlp.add_pipe("arapol", config={"model": model_dir})
    doc = nlp("صوتوا على الحمامة يوم 8 شتنبر")
    assert isinstance(doc._.arapol, Analysis)
    assert doc._.arapol.stance.target == "RNI"
    texts = ["l7koma fachla", "", "كلنا بنكيران"]
    docs = list(nlp.pipe(texts, batch_size=2))
    assert [d._.arapol.stance.target for d in docs if d._.arapol.stance] == [main_actor(texts[0]), main_actor(texts[2])]
    assert docs[1]._.arapol.error == "text is empty"


def test_component_survives_to_disk(model_dir, tmp_path):
    nlp = spacy.blank("ar")
    nlp.add_pipe("arapol", config={"model": model_dir})
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert again("صوتوا على الحمامة")._.arapol.stance.target == "RNI"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("3lach l7koma ma dartch chi 7aja؟", ["3lach", "l7koma", "ma", "dartch", "chi", "7aja", "؟"]),
        ("شوفو https://x.ma/a_b @user_1 #تعاقد_من_أجل_الكرامة 😡👍🏽",
         ["شوفو", "https://x.ma/a_b", "@user_1", "#تعاقد_من_أجل_الكرامة", "😡", "👍🏽"]),
        ("  two  spaces\n", ["  ", "two", " ", "spaces", "\n"]),
        ("", []),
    ],
)
def test_tokenizer(text, words):
    doc = ArapolTokenizer(spacy.blank("ar").vocab)(text)
    assert [t.text for t in doc] == words
    assert doc.text == text


TOKENIZER = ArapolTokenizer(spacy.blank("xx").vocab)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokenizer_keeps_the_text(text):
    assert TOKENIZER(text).text == text


def test_tokenizer_from_config():
    nlp = spacy.blank("ar", config={"nlp": {"tokenizer": {"@tokenizers": "arapol.Tokenizer.v1"}}})
    assert [t.text for t in nlp("#VoteRNI2021 ⴰⵣⵓⵍ")] == ["#VoteRNI2021", "ⴰⵣⵓⵍ"]
