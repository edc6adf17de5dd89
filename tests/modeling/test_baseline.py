import pytest

from arapol.modeling.baseline import MajorityMultiTask, TfidfClassifier, TfidfMultiTask
from arapol.modeling.data import load_posts
from arapol.modeling.evaluate import multitask_report
from tests.modeling.test_train import tiny_posts

ACTORS = ["PJD", "PAM", "RNI", "GOV", "OTHER_POL"]


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    return load_posts(tiny_posts(tmp_path_factory.mktemp("data") / "posts.jsonl", n=180))


def test_tfidf_multitask_fits_and_predicts(splits):
    model = TfidfMultiTask(actors=ACTORS).fit(splits["train"], splits["dev"])
    preds = model.predict(splits["test"])
    report = multitask_report(splits["test"], preds, actors=ACTORS)
    assert report.slogan.positive.f1 == 1.0 and report.attack.positive.f1 == 1.0
    assert report.stance.macro_f1 > 0.9
    assert all(t == () for t, a in zip(preds.attack_targets, preds.attack, strict=True) if not a)
    assert set(model.settings) == {"stance_C", "slogan_C", "slogan_threshold", "attack_C", "attack_threshold"}
    # a post with no gold target and no actor gets stance none by rule
    none_rows = [i for i, t in enumerate(preds.stance_targets) if t is None]
    assert none_rows and all(preds.stance[i] == "none" for i in none_rows)


def test_majority_predicts_the_most_frequent_labels(splits):
    model = MajorityMultiTask().fit(splits["train"])
    assert model.stance in ("favor", "against") and (model.slogan, model.attack) == (False, False)
    preds = model.predict(splits["test"])
    assert set(preds.stance) == {model.stance} and not any(preds.attack)
    assert multitask_report(splits["test"], preds).attack.positive.f1 == 0.0


@pytest.mark.parametrize("with_pairs", [False, True])
def test_tfidf_classifier_picks_c_on_dev(with_pairs):
    texts = ["صوتوا على الحمامة", "الحكومة فاشلة", "كلنا بنكيران", "l7koma fachla", "bravo 3la lkhedma"] * 8
    labels = ["favor", "against", "favor", "against", "favor"] * 8
    pairs = ["RNI", "GOV", "PJD", "GOV", "GOV"] * 8 if with_pairs else None
    clf = TfidfClassifier().fit(texts, labels, texts, labels, pairs=pairs, dev_pairs=pairs)
    assert clf.chosen_c in clf.dev_scores and max(clf.dev_scores.values()) == 1.0
    assert clf.predict(["الحكومة فاشلة بزاف"], pairs=["GOV"] if with_pairs else None) == ["against"]
