"""Joining the standoff corpus with source texts: hashes, missing rows, missing files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from arapol.corpora.build import COLUMNS, build, write_corpus
from tests.corpora.conftest import MSAC_TEXTS, OMCD_ROWS, Fake, real, standard_records


def test_build_joins_every_record(fake: Fake) -> None:
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert report.errors == []
    by_id = {r["id"]: r for r in report.rows}
    assert len(by_id) == len(standard_records()) + 1
    assert by_id["msac/msac.csv#0"]["text"] == MSAC_TEXTS[0]
    assert by_id["omcd/omcd_train.csv#17"]["text"] == OMCD_ROWS[0][0]  # keyed by the id column
    assert by_id["authored:0001"]["origin"] == "authored"
    assert by_id["authored:0001"]["source"] == "authored"
    assert by_id["msac/msac.csv#0"]["origin"] == "real"
    assert all(tuple(r) == COLUMNS for r in report.rows)


@pytest.mark.parametrize(("rid", "script"), [
    ("msac/msac.csv#0", "arabic"),
    ("omcd/omcd_train.csv#17", "latin"),
    ("narabizi/narabizi.jsonl#S2", "tifinagh"),
    ("authored:0001", "mixed"),
])
def test_script_column(fake: Fake, rid: str, script: str) -> None:
    rows = {r["id"]: r for r in build(fake.corpus, fake.data, download=False).rows}
    assert rows[rid]["script"] == script


def test_hash_mismatch_names_the_record(fake: Fake) -> None:
    records = standard_records()
    records[1]["sha256"] = "0" * 64
    fake.write_real(records)
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert len(report.errors) == 1
    assert "msac/msac.csv#3" in report.errors[0] and "sha256 mismatch" in report.errors[0]
    assert "msac/msac.csv#3" not in {r["id"] for r in report.rows}


def test_missing_rows_are_errors_not_drops(fake: Fake) -> None:
    fake.write_real(standard_records() + [
        real("msac/msac.csv#99", "x"), real("omcd/omcd_train.csv#5", "y"),
        real("narabizi/narabizi.jsonl#NOPE", "z"),
    ])
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert len(report.errors) == 3
    for rid in ("msac/msac.csv#99", "omcd/omcd_train.csv#5", "narabizi/narabizi.jsonl#NOPE"):
        assert any(rid in e and "no row" in e for e in report.errors), rid


def test_all_errors_are_collected(fake: Fake) -> None:
    records = standard_records()
    for record in records:
        record["sha256"] = "f" * 64
    fake.write_real(records)
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert len(report.errors) == len(records)


def test_empty_row_text_is_an_error(fake: Fake) -> None:
    fake.write_real([real("msac/msac.csv#2", MSAC_TEXTS[2])])
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert report.errors == ["msac/msac.csv#2: empty or missing text"]


def test_missing_file_without_download_names_records(fake: Fake) -> None:
    (fake.data / "msac" / "msac.csv").unlink()
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert len(report.errors) == 1
    assert "msac/msac.csv" in report.errors[0] and "2 record(s)" in report.errors[0]
    assert "msac/msac.csv#0" in report.errors[0]


def test_duplicate_key_is_ambiguous(fake: Fake) -> None:
    path = fake.data / "omcd" / "omcd_train.csv"
    pd.DataFrame(list(OMCD_ROWS) + [("other text", "0", "17")],
                 columns=["text", "label", "id"]).to_csv(path, index=False)
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert any("omcd/omcd_train.csv#17" in e and "more than once" in e for e in report.errors)


@pytest.mark.parametrize(("change", "message"), [
    ({"target": "XYZ"}, "unknown target"),
    ({"stance": "favour"}, "unknown stance"),
    ({"attack": True}, "attack_targets"),
    ({"split": "valid"}, "unknown split"),
    ({"origin": "scraped"}, "origin must be"),
    ({"id": "msac.csv#0"}, "is not '<dataset>/<file>#<row key>'"),
    ({"id": "unknown/file.csv#0"}, "unknown source file"),
])
def test_invalid_records_are_reported(fake: Fake, change: dict, message: str) -> None:
    records = standard_records()
    records[0].update(change)
    fake.write_real(records)
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert len(report.errors) == 1 and message in report.errors[0]


def test_duplicate_ids_are_reported(fake: Fake) -> None:
    fake.write_real(standard_records() + standard_records()[:1])
    report = build(fake.corpus, fake.data, download=False)
    assert report.errors == ["msac/msac.csv#0: appears more than once in the corpus files"]


def test_stored_split_is_kept(fake: Fake) -> None:
    records = standard_records()
    records[0]["split"] = "test" if records[0]["split"] != "test" else "dev"
    fake.write_real(records)
    rows = {r["id"]: r for r in build(fake.corpus, fake.data, download=False).rows}
    assert rows["msac/msac.csv#0"]["split"] == records[0]["split"]


def test_write_corpus(fake: Fake, tmp_path) -> None:
    rows = build(fake.corpus, fake.data, download=False).rows
    counts = write_corpus(rows, tmp_path / "out")
    assert sum(counts.values()) == len(rows)
    for split, n in counts.items():
        lines = (tmp_path / "out" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n and all(json.loads(x)["split"] == split for x in lines)
        frame = pd.read_parquet(tmp_path / "out" / f"{split}.parquet")
        assert list(frame.columns) == list(COLUMNS) and len(frame) == n
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["rows"] == counts


@pytest.mark.parametrize(("relpath", "content", "message"), [
    ("omcd/omcd_train.csv", "comment,label\nx,1\n", "no column 'text'"),
    ("omcd/omcd_train.csv", "text,label\nx,1\n", "no column 'id'"),
    ("narabizi/narabizi.jsonl", '{"text": "x"}\n', "no 'text' or 'sent_id' field"),
    ("armpro/armpro_dev.jsonl", "{not json\n", "armpro/armpro_dev.jsonl: unreadable"),
])
def test_unreadable_source_is_an_error(fake: Fake, relpath: str, content: str,
                                       message: str) -> None:
    (fake.data / relpath).write_text(content, encoding="utf-8")
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, download=False)
    assert len(report.errors) == 1 and message in report.errors[0]
    assert "record(s) need it" in report.errors[0]
