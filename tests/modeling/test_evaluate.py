import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arapol.modeling.data import Post
from arapol.modeling.evaluate import (
    PostPredictions,
    calibration_errors,
    evaluate_model,
    multitask_report,
    print_report,
    script_group,
    text_classification_report,
    write_report,
)
from arapol.modeling.metrics import (
    best_threshold,
    binary_report,
    classification_report,
    expected_calibration_error,
    fit_temperature,
    sigmoid,
    softmax,
)
from arapol.modeling.tiny import make_random_model
from tests.modeling.test_train import tiny_posts

LABELS = ["favor", "against", "none"]


# -- metrics -------------------------------------------------------------------------------

@pytest.mark.parametrize(("gold", "pred", "f1", "macro"), [
    (["favor", "against", "none"], ["favor", "against", "none"], {"favor": 1.0, "against": 1.0, "none": 1.0}, 1.0),
    (["favor", "favor", "against", "none"], ["favor", "against", "against", "against"],
     {"favor": 0.6667, "against": 0.5, "none": 0.0}, 0.3889),
    (["against"] * 4, ["against"] * 4, {"favor": 0.0, "against": 1.0, "none": 0.0}, 0.3333),
])
def test_classification_report_table(gold, pred, f1, macro):
    report = classification_report(gold, pred, LABELS)
    assert {k: s.f1 for k, s in report.per_label.items()} == f1
    assert report.macro_f1 == macro
    assert np.array(report.confusion).sum() == len(gold)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1, max_size=60))
def test_classification_report_properties(pairs):
    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    report = classification_report(gold, pred, LABELS)
    assert 0.0 <= report.macro_f1 <= 1.0
    assert report.accuracy == round(sum(g == p for g, p in pairs) / len(pairs), 4)
    assert [report.per_label[label].support for label in LABELS] == [gold.count(label) for label in LABELS]


def test_binary_report_positive_class():
    report = binary_report([True, True, False, False], [True, False, True, False])
    assert (report.positive.precision, report.positive.recall, report.positive.f1) == (0.5, 0.5, 0.5)


def test_best_threshold_and_temperature():
    probs = np.array([0.9, 0.8, 0.35, 0.3, 0.1])
    gold = np.array([1, 1, 1, 0, 0])
    threshold, f1 = best_threshold(probs, gold)
    assert 0.3 < threshold <= 0.35 and f1 == 1.0
    assert best_threshold(probs, np.zeros(5)) == (0.5, 0.0)
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 3000)
    logits = rng.normal(0, 1, (3000, 3))
    logits[np.arange(3000), y] += 1.0
    t = fit_temperature(logits * 5, y, multiclass=True)  # scaled-up logits are over-confident
    assert 3.0 < t < 8.0
    # logits blown up 40 times (as a heavily mixed wide head can make them) need T well above 10
    assert 25.0 < fit_temperature(logits * 40, y, multiclass=True) < 60.0
    assert np.allclose(softmax(logits * 5, t).sum(1), 1.0)
    assert fit_temperature(np.zeros(4), np.zeros(4), multiclass=False) == 1.0
    assert sigmoid(np.array([0.0]))[0] == 0.5


# -- multi-task report ---------------------------------------------------------------------

def _post(text, target, stance, attack=False, attacked=(), source="s", slogan=False):
    return Post(text, target, stance, slogan, attack, tuple(attacked), source=source)


POSTS = [
    _post("الحكومة فاشلة", "GOV", "against", True, ["GOV"]),
    _post("الحكومة صادقت على القانون", "GOV", "none"),
    _post("كلنا بنكيران", "PJD", "favor", slogan=True),
    _post("البيجيدي شفارة", "PJD", "against", True, ["PJD"]),
    _post("l7koma fachla", "GOV", "against", source="t"),
    _post("مباراة الوداد", None, "none"),
]


def test_multitask_report_scores_breakdowns_and_fairness():
    preds = PostPredictions(
        stance=["against", "against", "favor", "favor", "against", "none"],
        stance_targets=["GOV", "GOV", "PJD", "PJD", "GOV", None],
        slogan=[False, False, True, False, False, False],
        attack=[True, True, False, True, False, False],
        attack_targets=[("GOV",), ("GOV",), (), ("PAM",), (), ()],
    )
    report = multitask_report(POSTS, preds, actors=["PJD", "PAM", "GOV"])
    assert report.stance.n == 5 and report.stance_all.n == 6
    assert report.slogan.positive.f1 == 1.0
    assert report.attack.positive.f1 == 0.8
    assert report.attack_targets_f1 == pytest.approx(0.5)
    assert report.by_source["t"].n == 1 and report.by_target["(none)"].stance_macro_f1 is None
    fair = {row.target: row for row in report.fairness}
    assert fair["GOV"].against_fpr == 1.0 and fair["GOV"].against_fnr == 0.0  # the neutral post called against
    assert fair["GOV"].attack_fpr == 0.5 and fair["GOV"].attack_fnr == 0.0
    assert fair["PJD"].favor_fpr == 1.0 and fair["PJD"].against_fnr == 1.0
    assert fair["PAM"].n == 0 and fair["PAM"].stance_error is None
    assert fair["PAM"].attacked_fpr == pytest.approx(1 / 6, abs=1e-4)  # attacked in no post, predicted once
    assert fair["PJD"].attacked_fnr == 1.0
    lines = []
    print_report(report, lines.append)
    assert any(line.startswith("fairness") for line in lines)


@pytest.mark.parametrize(("text", "group"), [
    ("الحكومة فاشلة بزاف", "arabic"), ("l7koma dyal akhannouch fachla", "arabizi"),
    ("ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ", "amazigh"), ("franchement le gouvernement ne fait rien pour les jeunes, c est une honte", "latin-other"),
])
def test_script_groups(text, group):
    assert script_group(_post(text, None, "none")) == group


def test_text_classification_report_favor_against():
    report = text_classification_report(["Favor", "Against", "None", "Favor"], ["Favor", "Against", "Favor", "Favor"],
                                        ["Against", "Favor", "None"])
    assert report.favor_against_f1 == pytest.approx((1.0 + 0.8) / 2)
    assert report.headline["macro_f1"] == report.report.macro_f1


def test_evaluate_model_writes_json_and_png(tmp_path):
    model = make_random_model(tmp_path / "random")
    data = tiny_posts(tmp_path / "posts.jsonl")
    report = evaluate_model(model, data, split="test", origin="real")
    assert report.n_posts == 12 and report.origin == "real"
    json_path, png = write_report(report, tmp_path / "out", stem="eval_test")
    saved = json.loads(json_path.read_text("utf-8"))
    assert set(saved["headline"]) == {"stance_macro_f1", "slogan_f1", "attack_f1"}
    assert saved["stance"]["labels"] == LABELS and len(saved["fairness"]) == 11
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="no posts"):
        evaluate_model(model, data, split="test", origin="authored")


@pytest.mark.parametrize(("confidence", "correct", "ece"), [
    ([0.95, 0.95, 0.65, 0.65], [1, 1, 1, 0], 0.1),
    ([0.9] * 10, [1] * 9 + [0], 0.0),  # 90% confident, 90% right
    ([1.0, 1.0], [0, 0], 1.0),
    ([], [], 0.0),
])
def test_expected_calibration_error_table(confidence, correct, ece):
    assert expected_calibration_error(np.array(confidence), np.array(correct)) == pytest.approx(ece, abs=1e-4)


def test_calibration_errors_of_a_model(tmp_path):
    from arapol.modeling.data import load_posts
    from arapol.modeling.model import load_model

    posts = load_posts(tiny_posts(tmp_path / "posts.jsonl"))["test"]
    out = calibration_errors(load_model(make_random_model(tmp_path / "random")), posts)
    assert set(out) == {"stance", "slogan", "attack"}
    for scores in out.values():
        assert set(scores) == {"calibrated", "uncalibrated"} and all(0.0 <= v <= 1.0 for v in scores.values())
