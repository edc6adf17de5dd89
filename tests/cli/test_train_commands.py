import json

import pytest
from typer.testing import CliRunner

from arapol.cli import app
from tests.modeling.test_train import tiny_encoder, tiny_posts

runner = CliRunner()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    encoder, data = tiny_encoder(root / "encoder"), tiny_posts(root / "posts.jsonl")
    result = runner.invoke(app, ["train", "--base-model", str(encoder), "--data", str(data), "--output",
                                 str(root / "model"), "--epochs", "1", "--batch-size", "8", "--threads", "1"])
    assert result.exit_code == 0, result.output
    return root, result


def test_train_writes_a_model(trained):
    root, result = trained
    assert "arapol train:" in result.output and "dev after calibration" in result.output
    config = json.loads((root / "model" / "config.json").read_text("utf-8"))
    assert config["arapol"]["trained"] is True


def test_evaluate_prints_scores_and_writes_files(trained):
    root, _ = trained
    out = root / "eval"
    result = runner.invoke(app, ["evaluate", str(root / "model"), "--data", str(root / "posts.jsonl"),
                                 "--split", "test", "--origin", "real", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "fairness" in result.output
    assert (out / "eval_test_real.json").is_file() and (out / "eval_test_real_confusion.png").is_file()


def test_resume_a_finished_run_is_a_no_op(trained):
    root, _ = trained
    args = ["train", "--base-model", str(root / "encoder"), "--data", str(root / "posts.jsonl"), "--output",
            str(root / "model"), "--epochs", "1", "--batch-size", "8", "--threads", "1"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "--resume" in refused.output
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "resumed from" in resumed.output


@pytest.mark.parametrize(("args", "message"), [
    (["--task", "poetry"], "unknown task"),
    (["--data", "missing.csv"], "missing.csv"),
])
def test_train_errors_exit_1(trained, args, message):
    root, _ = trained
    base = {"--base-model": str(root / "encoder"), "--data": str(root / "posts.jsonl"),
            "--output": str(root / "other")}
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    result = runner.invoke(app, ["train", *[x for kv in base.items() for x in kv]])
    assert result.exit_code == 1 and message in result.output


def test_evaluate_unknown_model_dir(tmp_path):
    (tmp_path / "config.json").write_text("{}", "utf-8")
    result = runner.invoke(app, ["evaluate", str(tmp_path), "--data", "x.csv"])
    assert result.exit_code == 1 and "neither" in result.output
