"""``arapol corpus`` commands: build, stats, merge, agreement."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from arapol.cli import app
from arapol.corpora.records import read_jsonl, sha256, write_jsonl
from tests.corpora.conftest import Fake, labels, standard_records

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["corpus", *args])


def test_build_writes_splits(fake: Fake, tmp_path) -> None:
    out = tmp_path / "out"
    result = invoke("build", "--corpus", str(fake.corpus), "--data-dir", str(fake.data),
                    "--out", str(out), "--cache-dir", str(fake.cache), "--no-download")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert sum(summary["rows"].values()) == len(standard_records()) + 1
    assert (out / "train.parquet").is_file() and (out / "test.jsonl").is_file()


def test_build_fails_naming_records(fake: Fake, tmp_path) -> None:
    records = standard_records()
    records[0]["sha256"] = "0" * 64
    fake.write_real(records)
    out = tmp_path / "out"
    result = invoke("build", "--corpus", str(fake.corpus), "--data-dir", str(fake.data),
                    "--out", str(out), "--no-download")
    assert result.exit_code == 1
    assert "msac/msac.csv#0: sha256 mismatch" in result.stderr
    assert "nothing written" in result.stderr and not out.exists()


def test_stats_json(fake: Fake) -> None:
    result = invoke("stats", "--corpus", str(fake.corpus), "--data-dir", str(fake.data), "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["total"] == len(standard_records()) + 1
    assert stats["tables"]["origin"]["authored"]["total"] == 1
    assert stats["tables"]["target"]["RNI"]["total"] == 3
    assert stats["tables"]["slogan"]["true"]["total"] == 3
    assert stats["tables"]["script"]["tifinagh"]["total"] == 1
    assert sum(stats["splits"].values()) == stats["total"]


def test_stats_tables(fake: Fake) -> None:
    result = invoke("stats", "--corpus", str(fake.corpus), "--data-dir", str(fake.data))
    assert result.exit_code == 0
    for word in ("train", "dev", "test", "target", "script", "origin", "OTHER_POL", "authored"):
        assert word in result.stdout


def test_stats_without_texts_still_counts_labels(fake: Fake, tmp_path) -> None:
    result = invoke("stats", "--corpus", str(fake.corpus), "--data-dir", str(tmp_path / "none"),
                    "--cache-dir", str(tmp_path / "cache"), "--json")
    assert result.exit_code == 0
    assert "without scripts" in result.stderr
    stats = json.loads(result.stdout)
    assert stats["total"] == len(standard_records()) + 1 and "script" not in stats["tables"]


def _annotations(root, a_stance: str = "favor") -> None:
    rec = {"id": "msac/msac.csv#0", "sha256": sha256("x")}
    write_jsonl(root / "pass_a" / "batch_000.jsonl", [rec | labels("PJD", a_stance),
                                                      rec | {"id": "msac/msac.csv#1"} | labels()])
    write_jsonl(root / "pass_b" / "batch_000.jsonl", [rec | labels("PJD", "favor"),
                                                      rec | {"id": "msac/msac.csv#1"} | labels()])


def test_merge_and_agreement(tmp_path) -> None:
    _annotations(tmp_path / "ann", a_stance="against")
    out = tmp_path / "real.jsonl"
    result = invoke("merge", "--annotations", str(tmp_path / "ann"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["disagreements_pending"] == 1
    assert [r["id"] for r in read_jsonl(out)] == ["msac/msac.csv#1"]
    result = invoke("agreement", "--annotations", str(tmp_path / "ann"), "--json")
    report = json.loads(result.stdout)
    assert (report["both"], report["disagreements"]) == (2, 1)
    fields = {f["field"]: f for f in report["fields"]}
    assert fields["stance"]["observed"] == 0.5 and fields["target"]["kappa"] == 1.0
    table = invoke("agreement", "--annotations", str(tmp_path / "ann"), "--by-source")
    assert "kappa" in table.stdout and "stance|same target" in table.stdout
    assert "kappa per source" in table.stdout and "msac" in table.stdout


def test_merge_errors_write_nothing(tmp_path) -> None:
    write_jsonl(tmp_path / "ann" / "pass_a" / "batch_000.jsonl",
                [{"id": "msac/msac.csv#0", "sha256": "x"} | labels() | {"stance": "pro"}])
    result = invoke("merge", "--annotations", str(tmp_path / "ann"),
                    "--out", str(tmp_path / "real.jsonl"))
    assert result.exit_code == 1 and "unknown stance" in result.stderr
    assert not (tmp_path / "real.jsonl").exists()
