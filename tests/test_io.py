import io as stdio
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arapol import io
from arapol.labels import ROW_COLUMNS

LABELS = {"stance": "favor", "stance_target": "RNI", "stance_score": 0.5, "slogan": True,
          "slogan_score": 0.9, "attack": False, "attack_score": 0.1, "attack_targets": [],
          "actors": ["RNI", "GOV"], "script": "arabic", "lang": "darija", "error": None}


def _records(data: bytes, fmt: str):
    return list(io.read_input("x", fmt, stdio.BytesIO(data)).records)


@pytest.mark.parametrize(
    ("path", "given", "expected"),
    [
        ("a.jsonl", None, "jsonl"),
        ("a.NDJSON", None, "jsonl"),
        ("a.csv", None, "csv"),
        ("a.tsv", None, "tsv"),
        ("a.parquet", None, "parquet"),
        ("a.txt", None, "txt"),
        ("-", None, "txt"),
        ("-", "jsonl", "jsonl"),
        ("a.data", "csv", "csv"),
    ],
)
def test_format_of(path, given, expected):
    assert io.format_of(path, given) == expected


@pytest.mark.parametrize(("path", "given"), [("a.xlsx", None), ("a.csv", "excel")])
def test_unknown_formats(path, given):
    with pytest.raises(io.InputError):
        io.format_of(path, given)


def test_jsonl_bad_lines_become_error_records():
    data = b'{"text": "a"}\n\nnot json\n[1, 2]\n{"text": "\\u0628"}\n\xff\xfe\n{"text": "last"}'
    records = _records(data, "jsonl")
    assert [r.number for r in records] == [1, 3, 4, 5, 6, 7]
    assert records[0].values == {"text": "a"} and records[0].error is None
    assert records[1].error.startswith("line 3: not valid JSON") and "'not json'" in records[1].error
    assert records[2].error == "line 4: expected a JSON object, got list"
    assert records[3].values == {"text": "ب"}
    assert records[4].error.startswith("line 6: not valid JSON")
    assert records[5].values == {"text": "last"}


def test_csv_records_keep_every_value():
    data = ('\ufeffid,text,extra\n1,"hello, ""world""",x\n2,"two\nlines",y\n\n3,short\n4,a,b,c\n'
            ).encode("utf-8")
    records = _records(data, "csv")
    assert [r.values for r in records[:2]] == [
        {"id": "1", "text": 'hello, "world"', "extra": "x"},
        {"id": "2", "text": "two\nlines", "extra": "y"},
    ]
    assert records[2].values == {"id": "3", "text": "short", "extra": None}
    assert records[2].error == "line 6: expected 3 fields, found 2"
    assert records[3].error == "line 7: expected 3 fields, found 4"


def test_tsv_and_txt():
    assert _records(b"id\ttext\n1\tsalam\n", "tsv")[0].values == {"id": "1", "text": "salam"}
    records = _records(b"one\n\n\xffbad\nlast", "txt")
    assert [r.values["text"] for r in records] == ["one", "", None, "last"]
    assert "not valid UTF-8" in records[2].error


def test_parquet_records(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["a", None]}), path)
    data = io.read_input(path, "parquet")
    assert [(r.number, r.values) for r in data.records] == [(1, {"id": 1, "text": "a"}), (2, {"id": 2, "text": None})]
    assert data.columns == ["id", "text"] and data.schema.field("id").type == pa.int64()


def test_columns(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": 1}\n{"text": "x", "id": 2}\nnope\n')
    with io.open_input(tmp_path / "a.jsonl") as stream:
        assert io.read_input(tmp_path / "a.jsonl", "jsonl", stream).columns is None
        assert io.read_input(tmp_path / "a.jsonl", "jsonl", stream, jsonl_columns=True).columns == ["id", "text"]
    assert io.read_input("-", "jsonl", stdio.BytesIO(b"{}"), jsonl_columns=True).columns is None
    assert io.read_input("-", "txt", stdio.BytesIO(b"")).columns == ["text"]
    csv_input = io.read_input("-", "csv", stdio.BytesIO(b"id,text\n1,x\n"))
    assert csv_input.columns == ["id", "text"] and len(list(csv_input.records)) == 1
    assert io.read_input("-", "csv", stdio.BytesIO(b"")).columns == []


def test_duplicate_csv_columns_are_refused():
    with pytest.raises(io.InputError, match="duplicate column names \\['a'\\]"):
        io.read_input("x.csv", "csv", stdio.BytesIO(b"a,b,a\n1,2,3\n"))


def _write(tmp_path, fmt, rows, columns, **kwargs):
    out = tmp_path / f"out.{fmt}"
    with io.open_writer(out, fmt, columns, **kwargs) as writer:
        writer.write(rows)
    return out


def test_csv_cells(tmp_path):
    rows = [{"id": "1", "text": "سلام", **LABELS}]
    out = _write(tmp_path, "csv", rows, ["id", "text", *ROW_COLUMNS])
    header, line = out.read_text(encoding="utf-8").splitlines()
    assert header.split(",")[:3] == ["id", "text", "stance"]
    assert line == '1,سلام,favor,RNI,0.5,true,0.9,false,0.1,[],"[""RNI"", ""GOV""]",arabic,darija,'


def test_invalid_utf8_survives_csv_round_trip(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,text\n1,caf\xe9\n")
    with io.open_input(source) as stream:
        rows = [r.values for r in io.read_input(source, "csv", stream).records]
    out = _write(tmp_path, "csv", rows, ["id", "text"])
    assert out.read_bytes() == b"id,text\n1,caf\xe9\n"


def test_jsonl_lone_surrogates_stay_valid_json(tmp_path):
    out = _write(tmp_path, "jsonl", [{"text": "a\ud800b"}, {"text": "سلام"}], None)
    lines = out.read_bytes().decode("utf-8").splitlines()
    assert json.loads(lines[0]) == {"text": "a\ud800b"}
    assert lines[1] == '{"text": "سلام"}'


def test_jsonl_escapes_unicode_line_breaks(tmp_path):
    out = _write(tmp_path, "jsonl", [{"text": "a\x85b\u2028c\u2029d"}], None)
    text = out.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 1 and json.loads(text) == {"text": "a\x85b\u2028c\u2029d"}


def test_parquet_keeps_input_types_and_types_labels(tmp_path):
    schema = pa.schema([("id", pa.int64()), ("text", pa.string())])
    rows = [{"id": 1, "text": "x", **LABELS}, {"id": 2, "text": None, **dict.fromkeys(ROW_COLUMNS)}]
    out = _write(tmp_path, "parquet", rows, ["id", "text"], source_schema=schema)
    table = pq.read_table(out)
    assert table.schema.field("id").type == pa.int64()
    assert table.schema.field("slogan").type == pa.bool_()
    assert table.schema.field("actors").type == pa.list_(pa.string())
    assert table.column("actors").to_pylist() == [["RNI", "GOV"], None]
    assert not io.parts_dir(out).exists()


def test_parquet_from_other_inputs_stores_input_columns_as_strings(tmp_path):
    rows = [{"id": 7, "meta": {"a": 1}, "text": "x", **LABELS}]
    out = _write(tmp_path, "parquet", rows, ["id", "meta", "text"])
    assert pq.read_table(out).to_pylist()[0]["id"] == "7"
    assert pq.read_table(out).to_pylist()[0]["meta"] == '{"a": 1}'


def test_txt_and_stdout_parquet_are_refused(tmp_path):
    with pytest.raises(io.InputError, match="plain text"), io.open_writer(tmp_path / "o.txt", "txt", None):
        pass
    with pytest.raises(io.InputError, match="needs a file"), io.open_writer(None, "parquet", ["text"]):
        pass


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv"])
def test_resume_cuts_back_to_the_checkpoint(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    columns = ["text", *ROW_COLUMNS]
    with io.open_writer(out, fmt, columns) as writer:
        writer.write([{"text": "a", **LABELS}, {"text": "b", **LABELS}])
        io.save_checkpoint(out, 2, writer.position())
        writer.write([{"text": "c", **LABELS}])  # written, then "killed" before its checkpoint
    with out.open("ab") as handle:
        handle.write(b'{"text": "partial')
    rows, position = io.resume_point(out, fmt)
    assert rows == 2
    with io.open_writer(out, fmt, columns, append_at=position) as writer:
        writer.write([{"text": "c", **LABELS}])
    io.clear_checkpoint(out)
    with out.open("rb") as stream:
        texts = [r.values["text"] for r in io.read_input(out, fmt, stream).records]
    assert texts == ["a", "b", "c"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_without_checkpoint_counts_finished_rows(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    with io.open_writer(out, fmt, ["text"]) as writer:
        writer.write([{"text": "a"}, {"text": "b\nc"}])
    with out.open("ab") as handle:
        handle.write(b"cut-off line without newline")
    rows, position = io.resume_point(out, fmt)
    assert rows == 2
    assert position == len(out.read_bytes()) - len(b"cut-off line without newline")


def test_resume_parquet_parts(tmp_path):
    out = tmp_path / "out.parquet"
    writer = io.ParquetPartsWriter(out, io.parquet_schema(["text"], None))
    writer.write([{"text": "a", **LABELS}])
    io.save_checkpoint(out, 1, writer.position())
    writer.write([{"text": "b", **LABELS}])  # a part without checkpoint: dropped on resume
    (io.parts_dir(out) / "part-000009.tmp").write_bytes(b"half")
    rows, position = io.resume_point(out, "parquet")
    assert (rows, position) == (1, 1)
    assert sorted(p.name for p in io.parts_dir(out).iterdir()) == ["part-000000.parquet"]
    with io.open_writer(out, "parquet", ["text"], append_at=position) as writer:
        writer.write([{"text": "b", **LABELS}])
    assert pq.read_table(out).column("text").to_pylist() == ["a", "b"]
    io.clear_checkpoint(out)
    assert io.resume_point(out, "parquet") == (2, 1)  # finished file: counted, moved to parts
