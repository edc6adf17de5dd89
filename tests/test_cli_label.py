import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from arapol.actors import find_actors, main_actor
from arapol.cli import app
from arapol.cli import label as label_module
from arapol.labels import ROW_COLUMNS
from arapol.modeling.tiny import make_random_model

POSTS = [
    "صوتوا على الحمامة يوم 8 شتنبر",
    "l7okouma dyal akhannouch fachla",
    "كلنا بنكيران ولاية ثانية",
    "الحكومة صادقت اليوم على مشروع قانون المالية",
    "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ",
]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return str(make_random_model(tmp_path_factory.mktemp("tiny")))


def run(*args, input=None):
    result = CliRunner().invoke(app, ["label", *map(str, args)], input=input)
    return result


def flat(output):
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(output.replace("│", " ").split())


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_keeps_every_row_in_order(tmp_path, model):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": t, "meta": {"k": i}}, ensure_ascii=False) for i, t in enumerate(POSTS)]
    lines[1:1] = ["{broken", json.dumps({"id": "no-text"}), json.dumps({"id": "empty", "text": ""}),
                  json.dumps({"id": "num", "text": 5})]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(source, "-o", out, "--model", model)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert len(rows) == 9
    assert [r.get("id") for r in rows] == [0, None, "no-text", "empty", "num", 1, 2, 3, 4]
    assert rows[0]["meta"] == {"k": 0} and rows[0]["text"] == POSTS[0]
    assert list(rows[0])[-len(ROW_COLUMNS):] == list(ROW_COLUMNS)
    assert rows[0]["stance_target"] == "RNI" and rows[0]["error"] is None
    assert rows[1]["error"].startswith("line 2: not valid JSON") and rows[1]["stance"] is None
    assert rows[2]["error"] == "line 3: no 'text' field"
    assert rows[3]["error"] == "text is empty" and rows[4]["error"] == "text is not a string (int)"
    assert "line 2: not valid JSON" in result.stderr
    assert "9 rows (4 errors)" in result.stderr and "posts/s" in result.stderr
    assert "RANDOM weights" in result.stderr


@pytest.mark.parametrize(("suffix", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_delimited_round_trip(tmp_path, model, suffix, delimiter):
    source = tmp_path / f"in.{suffix}"
    body = "".join(f'{i}{delimiter}"{t}"\n' for i, t in enumerate(POSTS))
    source.write_text(f"id{delimiter}body\n{body}7{delimiter}\n", encoding="utf-8")
    out = tmp_path / f"out.{suffix}"
    result = run(source, "-o", out, "--text-column", "body", "--id-column", "id", "--model", model, "-q")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(delimiter) == ["id", "body", *ROW_COLUMNS]
    assert len(lines) == len(POSTS) + 2
    assert lines[-1].endswith("text is empty") and "posts/s" not in result.stderr


def test_parquet_keeps_types(tmp_path, model):
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": list(range(len(POSTS))), "text": POSTS}), source)
    out = tmp_path / "out.parquet"
    assert run(source, "-o", out, "--model", model, "--batch-size", "2").exit_code == 0
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == list(range(len(POSTS)))
    assert table.schema.field("slogan").type == pa.bool_()
    assert table.column("actors").to_pylist()[1] == list(dict.fromkeys(m.actor for m in find_actors(POSTS[1])))
    assert table.column("stance_target").to_pylist()[2] == main_actor(POSTS[2])


def test_text_from_stdin_to_stdout(model):
    result = run("-", "--model", model, "-q", input="\n".join(POSTS) + "\n\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == [*POSTS, ""]
    assert rows[-1]["error"] == "text is empty"


def test_huge_and_odd_lines(tmp_path, model):
    source = tmp_path / "in.txt"
    lines = ["الحكومة فاشلة " * 75_000, "\x00\x1b[31m\u202eالحكومة\u202c", "\ufeff\u200f", "ⴰⵣⵓⵍ bonjour مرحبا 3lach"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(source, "--model", model, "-q")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert [r["error"] for r in rows] == [None, None, "text is empty after normalization", None]


def test_csv_from_stdin(model):
    result = run("-", "--format", "csv", "--model", model, "-q", input="id,text\n1,كلنا بنكيران\n2,\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,text,stance") and len(lines) == 3 and lines[2].endswith("text is empty")


def test_tabular_output_from_jsonl_stdin_is_refused(model):
    result = run("-", "--format", "jsonl", "--output-format", "csv", "--model", model, input="{}\n")
    assert result.exit_code != 0 and "write JSONL or read from a file" in flat(result.output)


def test_output_format_and_targets(tmp_path, model):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"text": t, "who": w}) for t, w in
                                zip(POSTS[:3], ["GOV", None, "XX"], strict=True)), encoding="utf-8")
    out = tmp_path / "out.data"
    result = run(source, "-o", out, "--output-format", "csv", "--target-column", "who", "--model", model, "-q")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("text,who,stance")
    assert ",GOV," in lines[1] and "unknown target 'XX'" in lines[3]
    result = run(source, "--target", "pjd", "--model", model, "-q")
    assert all(json.loads(line)["stance_target"] == "PJD" for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "NOPE"], "unknown --target"),
        (["--text-column", "body"], "column 'body'"),
        (["--target", "RNI", "--target-column", "who"], "not both"),
        (["--resume"], "--resume needs -o"),
        (["--format", "xlsx"], "unknown format"),
        (["-o", "out.txt"], "plain text cannot hold labels"),
        (["--output-format", "parquet"], "Parquet output needs a file"),
    ],
)
def test_bad_options(tmp_path, model, args, message):
    source = tmp_path / "in.csv"
    source.write_text("text,who\nsalam,RNI\n", encoding="utf-8")
    result = run(source, "--model", model, *args)
    assert result.exit_code != 0 and message in flat(result.output)


def test_missing_input(tmp_path, model):
    result = run(tmp_path / "nothing.jsonl", "--model", model)
    assert result.exit_code != 0 and "does not exist" in flat(result.output)


def test_missing_model_is_a_clear_error(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("salam\n", encoding="utf-8")
    result = run(source, "--model", tmp_path / "nothing")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_report(tmp_path, model):
    source = tmp_path / "in.txt"
    source.write_text("\n".join(POSTS * 3), encoding="utf-8")
    png = tmp_path / "report.png"
    assert run(source, "-o", tmp_path / "o.jsonl", "--model", model, "--report", png, "-q").exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_resume_after_interruption(tmp_path, model, monkeypatch, fmt):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "text": f"{POSTS[i % 5]} {i}"}) for i in range(50)),
                      encoding="utf-8")
    full = tmp_path / f"full.{fmt}"
    assert run(source, "-o", full, "--model", model, "--batch-size", "1", "-q").exit_code == 0

    out = tmp_path / f"out.{fmt}"
    real = label_module._chunks

    def interrupted(items, size):  # killed after two chunks were written
        for i, chunk in enumerate(real(items, size)):
            if i == 2:
                raise KeyboardInterrupt
            yield chunk

    monkeypatch.setattr(label_module, "_chunks", interrupted)
    assert run(source, "-o", out, "--model", model, "--batch-size", "1", "-q").exit_code != 0
    monkeypatch.setattr(label_module, "_chunks", real)
    result = run(source, "-o", out, "--model", model, "--batch-size", "1", "--resume")
    assert result.exit_code == 0, result.output
    assert "resumed after 32 rows" in result.stderr  # 2 chunks of 16 rows were done
    if fmt == "parquet":
        assert pq.read_table(out).equals(pq.read_table(full))
    else:
        assert out.read_bytes() == full.read_bytes()
    result = run(source, "-o", out, "--model", model, "--resume")
    assert result.exit_code == 0 and "0 rows" in result.stderr


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(), st.none()), min_size=1, max_size=8))
def test_any_jsonl_gives_one_row_per_line(tmp_path_factory, model, texts):
    source = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    source.write_text("".join(json.dumps({"i": i, "text": t}) + "\n" for i, t in enumerate(texts)),
                      encoding="utf-8")
    result = run(source, "--model", model, "-q")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["i"] for r in rows] == list(range(len(texts)))
    assert all((r["error"] is None) == (r["stance"] is not None) for r in rows)


def _peak_rss_kib(command, env):
    """Run ``command``; its peak resident memory (ru_maxrss from os.wait4), in KiB."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, stderr.decode()
    return usage.ru_maxrss


def _generate(path, n):
    words = ["الحكومة", "l7koma", "أخنوش", "بنكيران", "صوتوا", "fachla", "ⴰⵣⵓⵍ", "😡", "#VoteRNI", "zwin"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(words[(i * k + k) % len(words)] for k in range(1, 2 + i % 9)) + f" {i}"
            out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("ARAPOL_BIG_TESTS"), reason="1M rows take minutes: set ARAPOL_BIG_TESTS=1")
def test_one_million_rows_in_flat_memory(tmp_path, model):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-c", "from arapol.cli import main; main()", "label"]
    peaks = {}
    for n in (10_000, 1_000_000):
        source, out = tmp_path / f"in{n}.jsonl", tmp_path / f"out{n}.jsonl"
        _generate(source, n)
        peaks[n] = _peak_rss_kib([*command, str(source), "-o", str(out), "--model", model, "-q"], env)
        with out.open("rb") as handle:
            assert sum(1 for _ in handle) == n
        source.unlink()
    print(f"peak RSS: 10k rows {peaks[10_000] / 1024:.0f} MiB, 1M rows {peaks[1_000_000] / 1024:.0f} MiB")
    assert peaks[1_000_000] < peaks[10_000] + 150 * 1024


@pytest.mark.parametrize("precision", ["int8", "bfloat16"])
def test_precision_option(model, precision, monkeypatch):
    from arapol import pipeline

    asked = []
    real = pipeline.load_model
    monkeypatch.setattr(pipeline, "load_model", lambda *a, **k: asked.append(k["precision"]) or real(*a, **k))
    result = run("-", "--model", model, "-q", "--precision", precision, input="\n".join(POSTS) + "\n")
    assert result.exit_code == 0, result.output
    assert asked == [precision]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == POSTS and all(r["error"] is None for r in rows)


def test_precision_choices_are_the_models():
    from arapol.cli.label import Precision
    from arapol.modeling.model import PRECISIONS

    assert tuple(Precision) == PRECISIONS


def test_unknown_precision_is_refused(model):
    result = run("-", "--model", model, "-q", "--precision", "fp8", input="x\n")
    assert result.exit_code == 2 and "fp8" in result.output


def test_worker_processes_keep_every_row_in_order(tmp_path, model, monkeypatch):
    from arapol import pipeline

    monkeypatch.setattr(pipeline, "WINDOW_BATCHES", 1)
    posts = [f"{p} {i}" for i, p in enumerate(POSTS * 6)] + ["", "ⴰⵣⵓⵍ"]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(posts) + "\n", encoding="utf-8")
    outs = {}
    for n in (1, 2):
        result = run(source, "-o", tmp_path / f"out{n}.jsonl", "--model", model, "-q", "--batch-size", "4",
                     "--processes", str(n))
        assert result.exit_code == 0, result.output
        outs[n] = [json.loads(line) for line in (tmp_path / f"out{n}.jsonl").read_text("utf-8").splitlines()]
    assert outs[1] == outs[2] and [r["text"] for r in outs[2]] == posts
