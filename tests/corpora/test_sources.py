"""Source files: pins from SOURCE.md, downloads from a local HTTP server, conversions."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arapol.corpora._convert import CONVERTERS, ConversionError
from arapol.corpora.build import build
from arapol.corpora.records import sha256
from arapol.corpora.sources import (
    FILES,
    PINS,
    Pin,
    SourceError,
    _write_table,
    locate,
    pin_for,
    read_pin,
    read_texts,
)
from tests.corpora.conftest import MSAC_TEXTS, OMCD_PIN, OMCD_ROWS, Fake, dumps, publish, real

OMCD_CSV = (",comment,off\n" + "".join(f"{i},{t},{lab}\n" for t, lab, i in OMCD_ROWS)).encode()


@pytest.mark.parametrize(("text", "pin"), [
    ("- Source repo: https://github.com/owner/name\n- Commit: " + "b" * 40 + " (2020-01-01)\n",
     Pin("owner/name", "b" * 40)),
    ("- Source repo (a mirror): https://github.com/o-1/n.x\n- Commit used: " + "c" * 40 + ", note\n",
     Pin("o-1/n.x", "c" * 40)),
])
def test_read_pin(tmp_path: Path, text: str, pin: Pin) -> None:
    (tmp_path / "SOURCE.md").write_text("# T\n\n" + text, encoding="utf-8")
    assert read_pin(tmp_path / "SOURCE.md") == pin


def test_read_pin_without_commit_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "SOURCE.md").write_text("- Source repo: https://github.com/o/n\n", encoding="utf-8")
    with pytest.raises(SourceError, match="Commit"):
        read_pin(tmp_path / "SOURCE.md")


def test_pin_falls_back_to_registry(tmp_path: Path) -> None:
    assert pin_for("msac", tmp_path) == PINS["msac"]
    with pytest.raises(SourceError, match="no known repository"):
        pin_for("unknown", tmp_path)


def test_every_registered_file_has_a_pin_and_converter() -> None:
    for source in FILES.values():
        assert source.dataset in PINS and source.dataset in CONVERTERS
        assert source.originals


def test_urls_quote_spaces() -> None:
    url = PINS["otam"].url("corpus data/normal.csv", "http://h")
    assert url == f"http://h/xprogramer/OTAM/{PINS['otam'].commit}/corpus%20data/normal.csv"


def test_missing_file_is_downloaded_at_the_pin_of_source_md(fake: Fake, server) -> None:
    base, root = server
    publish(root, *OMCD_PIN, "train.csv", OMCD_CSV)
    (fake.data / "omcd" / "omcd_train.csv").unlink()
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base)
    assert report.errors == []
    assert report.files["omcd/omcd_train.csv"] == str(fake.cache / "omcd" / "omcd_train.csv")
    texts = {r["id"]: r["text"] for r in report.rows}
    assert texts["omcd/omcd_train.csv#17"] == OMCD_ROWS[0][0]


def test_download_base_from_environment(fake: Fake, server, monkeypatch) -> None:
    base, root = server
    publish(root, *OMCD_PIN, "train.csv", OMCD_CSV)
    (fake.data / "omcd" / "omcd_train.csv").unlink()
    monkeypatch.setenv("ARAPOL_DOWNLOAD_BASE", base)
    assert build(fake.corpus, fake.data, cache_dir=fake.cache).errors == []


def test_cached_download_is_reused(fake: Fake, server) -> None:
    base, root = server
    publish(root, *OMCD_PIN, "train.csv", OMCD_CSV)
    (fake.data / "omcd" / "omcd_train.csv").unlink()
    assert build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base).ok
    (root / OMCD_PIN[0] / OMCD_PIN[1] / "train.csv").unlink()
    assert build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base, download=False).ok


def test_failed_download_names_url_and_records(fake: Fake, server) -> None:
    base, _ = server  # nothing published: 404
    (fake.data / "omcd" / "omcd_train.csv").unlink()
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert "download failed" in error and f"{base}/{OMCD_PIN[0]}/{OMCD_PIN[1]}/train.csv" in error
    assert "omcd/omcd_train.csv#17" in error


def test_download_whose_text_differs_is_a_hash_error(fake: Fake, server) -> None:
    base, root = server
    publish(root, *OMCD_PIN, "train.csv", b",comment,off\n17,changed text,1\n4,salam 3likom,0\n")
    (fake.data / "omcd" / "omcd_train.csv").unlink()
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base)
    assert len(report.errors) == 1 and "omcd/omcd_train.csv#17: sha256 mismatch" in report.errors[0]


def test_whole_missing_folder_uses_registry_pin(fake: Fake, server) -> None:
    base, root = server
    arff = "@relation 'x'\n@attribute text string\n@attribute c {neg,pos}\n\n@data\n"
    arff += "".join(f"'{t}',{'pos' if i < 2 else 'neg'}\n" for i, t in enumerate(MSAC_TEXTS))
    publish(root, PINS["msac"].repo, PINS["msac"].commit, "MSAC.arff", arff.encode())
    for path in (fake.data / "msac").iterdir():
        path.unlink()
    (fake.data / "msac").rmdir()
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base)
    assert report.errors == []
    assert {r["id"] for r in report.rows} >= {"msac/msac.csv#0", "msac/msac.csv#3"}


def test_locate_prefers_data_folder(fake: Fake) -> None:
    source = FILES["msac/msac.csv"]
    assert locate(source, fake.data, fake.cache, download=False) == fake.data / "msac" / "msac.csv"


def test_locate_without_download_says_how(fake: Fake, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="arapol corpus build"):
        locate(FILES["myc/myc_cleaned.csv"], fake.data, fake.cache, download=False)


# conversions of original formats (invented rows in each original layout)

def test_msac_arff_quotes_and_escapes() -> None:
    arff = ("@relation 'd'\n\n@attribute text string\n@attribute @@class@@ {neg,pos}\n\n@data\n"
            "'\\\"quoted, with comma',pos\n' leading space',neg\n'it\\'s',pos\n")
    frame = CONVERTERS["msac"]([arff.encode()])
    assert frame["text"].tolist() == ['"quoted, with comma', " leading space", "it's"]
    assert frame["label"].tolist() == ["pos", "neg", "pos"]


def test_msac_bad_row() -> None:
    with pytest.raises(ConversionError, match="line 2"):
        CONVERTERS["msac"]([b"@data\nno quotes,pos\n"])


def test_otam_through_server_with_space_in_path(fake: Fake, server) -> None:
    base, root = server
    normal = b"label,content\n1,Azul fellawen\n1,\"tanemmirt, a gma\"\n"
    offensive = b"label,content\n0,ruh\n"
    pin = PINS["otam"]
    publish(root, pin.repo, pin.commit, "corpus data/normal.csv", normal)
    publish(root, pin.repo, pin.commit, "corpus data/offensive.csv", offensive)
    fake.write_real([real("otam/otam.csv#2", "ruh", target="OTHER_POL"),
                     real("otam/otam.csv#1", "tanemmirt, a gma")])
    report = build(fake.corpus, fake.data, cache_dir=fake.cache, base_url=base)
    assert report.errors == []
    cached = pd.read_csv(fake.cache / "otam" / "otam.csv", dtype=str, keep_default_na=False)
    assert cached.to_dict("list") == {"text": ["Azul fellawen", "tanemmirt, a gma", "ruh"],
                                      "label": ["normal", "normal", "offensive"],
                                      "orig_label": ["1", "1", "0"]}


def test_narabizi_conllu() -> None:
    conllu = "# sent_id = A1\n# text = salam khoya\n# trad_fr = salut\n1\tsalam\n\n"
    frame = CONVERTERS["narabizi"]([conllu.encode(), b"", b"# sent_id = B\n# text = wesh\n"])
    assert frame.to_dict("records") == [
        {"sent_id": "A1", "split": "train", "text": "salam khoya"},
        {"sent_id": "B", "split": "test", "text": "wesh"},
    ]


def test_armpro_paragraphs() -> None:
    blob = dumps([{"paragraph": "نص", "labels": [{"technique": "Slogans"}]},
                  {"paragraph": "آخر", "labels": []}])
    frame = CONVERTERS["armpro"]([blob])
    assert frame["text"].tolist() == ["نص", "آخر"]
    assert frame["label"].tolist() == ["propagandistic", "non-propagandistic"]


def test_myc_utf16_last_comma() -> None:
    blob = "sentence,polarity\nwa3er, bzaf,1\nmachi mzyan,-1\n".encode("utf-16")
    frame = CONVERTERS["myc"]([blob])
    assert frame.to_dict("list") == {"text": ["wa3er, bzaf", "machi mzyan"], "label": ["1", "-1"]}


@pytest.mark.parametrize(("name", "blob", "expected"), [
    ("mac", b"tweets,type,class\nhello,positive,standard\n", ["hello"]),
    ("l_hsab", 'Tweet\tClass\nنص "مقتبس\tnormal\n'.encode(), ['نص "مقتبس']),
    ("darija_translit_silver", b'reel_comment,salam,,\nfeed_post_or_comment,"a, b",,\n',
     ["salam", "a, b"]),
    ("omcd", b",comment,off\n3,x,1\n", ["x"]),
])
def test_simple_tables(name: str, blob: bytes, expected: list[str]) -> None:
    assert CONVERTERS[name]([blob])["text"].tolist() == expected


def test_wrong_columns_are_named() -> None:
    with pytest.raises(ConversionError, match="tweets"):
        CONVERTERS["mac"]([b"text,label\nx,y\n"])


@pytest.mark.skipif(importlib.util.find_spec("openpyxl") is not None, reason="openpyxl installed")
def test_xlsx_without_openpyxl_is_a_clear_error() -> None:
    with pytest.raises(ConversionError, match="pip install openpyxl"):
        CONVERTERS["elecmorocco2016"]([b"PK"])


def test_xlsx_conversion() -> None:
    pytest.importorskip("openpyxl")
    buffer = io.BytesIO()
    pd.DataFrame({"index": [1, 2], "comment_message": ["كلنا بنكيران", "لا"],
                  "sentiment": ["P", "N"], "comment_published": ["2016-10-01", "2016-10-02"]}
                 ).to_excel(buffer, sheet_name="Feuil1", index=False)
    frame = CONVERTERS["elecmorocco2016"]([buffer.getvalue()])
    assert frame[["text", "index"]].to_dict("list") == {"text": ["كلنا بنكيران", "لا"],
                                                        "index": ["1", "2"]}
    assert sha256(frame["text"][0]) == sha256("كلنا بنكيران")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                        max_size=40), min_size=1, max_size=8))
def test_cached_tables_keep_texts_exactly(tmp_path_factory, texts: list[str]) -> None:
    folder = tmp_path_factory.mktemp("cache")
    frame = pd.DataFrame({"text": texts, "label": ["x"] * len(texts)})
    for name in ("t.csv", "t.jsonl"):
        _write_table(frame, folder / name)
        read = read_texts(folder / name, None)
        assert read.texts == {str(i): t for i, t in enumerate(texts)}
