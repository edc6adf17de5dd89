"""A tiny fake shared data folder and standoff corpus, written in tmp_path (invented texts)."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from arapol.corpora.records import sha256, write_jsonl
from arapol.corpora.splits import split_of

OMCD_PIN = ("fake-owner/fake-omcd", "a" * 40)
MSAC_TEXTS = ["كلنا بنكيران ولاية ثانية", "منتوج رائع", "", "الحكومة فاشلة"]
OMCD_ROWS = [("l7koma dyal akhannouch fachla", "1", "17"), ("salam 3likom", "0", "4")]
NARABIZI = [{"sent_id": "S1", "text": "vive l'algerie m3ak ya lkhadra", "topic": "POLITICS"},
            {"sent_id": "S2", "text": "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ", "topic": "NONE"}]
ARMPRO_TEXTS = ["صوتوا على الحمامة يوم 8 شتنبر", "الحكومة صادقت اليوم على مشروع قانون المالية"]


def labels(target: str | None = None, stance: str = "none", slogan: bool = False,
           attacked: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"target": target, "stance": stance, "slogan": slogan, "attack": bool(attacked),
            "attack_targets": list(attacked)}


def real(rid: str, text: str, **label_args: Any) -> dict[str, Any]:
    """A real.jsonl record for ``text`` (the hash is computed from it)."""
    return {"id": rid, "sha256": sha256(text), "origin": "real", "split": split_of(rid),
            **labels(**label_args)}


@dataclass
class Fake:
    data: Path
    corpus: Path
    cache: Path

    def write_real(self, records: list[dict[str, Any]]) -> None:
        write_jsonl(self.corpus / "real.jsonl", records)

    def write_authored(self, records: list[dict[str, Any]]) -> None:
        write_jsonl(self.corpus / "authored.jsonl", records)


def make_data(data: Path) -> None:
    (data / "msac").mkdir(parents=True)
    pd.DataFrame({"text": MSAC_TEXTS, "label": ["pos", "pos", "neg", "neg"]}).to_csv(
        data / "msac" / "msac.csv", index=False)
    (data / "omcd").mkdir()
    (data / "omcd" / "SOURCE.md").write_text(
        "# OMCD\n\n- Source repo: https://github.com/{}\n- Commit: {} (2023-06-05)\n".format(*OMCD_PIN),
        encoding="utf-8")
    pd.DataFrame(OMCD_ROWS, columns=["text", "label", "id"]).to_csv(
        data / "omcd" / "omcd_train.csv", index=False)
    (data / "narabizi").mkdir()
    write_jsonl(data / "narabizi" / "narabizi.jsonl", NARABIZI)
    (data / "armpro").mkdir()
    write_jsonl(data / "armpro" / "armpro_dev.jsonl", [{"text": t} for t in ARMPRO_TEXTS])


def standard_records() -> list[dict[str, Any]]:
    return [
        real("msac/msac.csv#0", MSAC_TEXTS[0], target="PJD", stance="favor", slogan=True),
        real("msac/msac.csv#3", MSAC_TEXTS[3], target="GOV", stance="against", attacked=("GOV",)),
        real("omcd/omcd_train.csv#17", OMCD_ROWS[0][0], target="RNI", stance="against",
             attacked=("RNI",)),
        real("narabizi/narabizi.jsonl#S1", NARABIZI[0]["text"], target="OTHER_POL"),
        real("narabizi/narabizi.jsonl#S2", NARABIZI[1]["text"]),
        real("armpro/armpro_dev.jsonl#0", ARMPRO_TEXTS[0], target="RNI", stance="favor",
             slogan=True),
        real("armpro/armpro_dev.jsonl#1", ARMPRO_TEXTS[1], target="GOV"),
    ]


AUTHORED = [{"id": "authored:0001", "text": "Tous avec le RNI #ⴰⵙⵜⴰⵢ", "origin": "authored",
             **labels("RNI", "favor", True), "era": "2021"}]


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fake:
    """Fake data folder + corpus folder with the standard records; no download base set."""
    monkeypatch.delenv("ARAPOL_DOWNLOAD_BASE", raising=False)
    monkeypatch.delenv("ARAPOL_DATA", raising=False)
    made = Fake(tmp_path / "data", tmp_path / "corpora" / "arapol-pol", tmp_path / "cache")
    make_data(made.data)
    made.write_real(standard_records())
    made.write_authored(AUTHORED)
    return made


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server on 127.0.0.1 serving ``tmp_path/www``: (base URL, root folder)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def publish(root: Path, repo: str, commit: str, path: str, content: bytes) -> None:
    """Put ``content`` where ``<base>/<repo>/<commit>/<path>`` serves it."""
    target = root / repo / commit / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def dumps(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
