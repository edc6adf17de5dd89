"""The shared data sets that real corpus posts point into, and how to get them.

Each file a record can point into is registered with its row key and the original files in
its public repository. A file is read from the data folder; where it is missing, it is read
from the download cache, and otherwise fetched from ``<base>/<owner>/<repo>/<commit>/<path>``
(``raw.githubusercontent.com`` by default; ``ARAPOL_DOWNLOAD_BASE`` or ``base_url`` override it)
at the commit named in the data set's ``SOURCE.md`` (the registry's copy of that pin when the
whole folder is missing), converted to the data folder's table, and cached.

>>> FILES["omcd/omcd_train.csv"].key
'id'
>>> PINS["omcd"].url("train.csv", "http://127.0.0.1:8000")
'http://127.0.0.1:8000/kabilessefar/OMCD-Offensive-Moroccan-Comments-Dataset/43a1d23627045098ac76a5db56fe99ed8e36b930/train.csv'
"""

from __future__ import annotations

import csv
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from arapol.corpora._convert import CONVERTERS, ConversionError

__all__ = [
    "DEFAULT_BASE_URL",
    "FILES",
    "PINS",
    "Pin",
    "SourceError",
    "SourceFile",
    "SourceTexts",
    "default_cache_dir",
    "locate",
    "pin_for",
    "read_pin",
    "read_texts",
]

DEFAULT_BASE_URL = "https://raw.githubusercontent.com"


class SourceError(RuntimeError):
    """A source file that is missing, cannot be downloaded or cannot be read."""


@dataclass(frozen=True)
class Pin:
    """A repository (``owner/name``) at a fixed commit."""

    repo: str
    commit: str

    def url(self, path: str, base_url: str = DEFAULT_BASE_URL) -> str:
        """The raw-file URL of ``path`` at the pinned commit."""
        return f"{base_url.rstrip('/')}/{self.repo}/{self.commit}/{quote(path)}"


@dataclass(frozen=True)
class SourceFile:
    """A file under the data folder: its row key (a column, or ``None`` for the 0-based row
    or line number) and the original files it is converted from."""

    relpath: str
    key: str | None
    originals: tuple[str, ...]

    @property
    def dataset(self) -> str:
        return self.relpath.split("/", 1)[0]

    @property
    def convert(self) -> Callable[[list[bytes]], pd.DataFrame]:
        return CONVERTERS[self.dataset]


# copies of the pins in each data set's SOURCE.md, used when the folder is missing entirely
PINS: dict[str, Pin] = {
    "elecmorocco2016": Pin("sentiprojects/ElecMorocco2016", "8b72a0741aede7e4b34d5661b03fe9b1b4a66f6c"),
    "msac": Pin("ososs/Arabic-Sentiment-Analysis-corpus", "a4851994994697486d77dff4213c8c502ee938a1"),
    "mac": Pin("LeMGarouani/MAC", "9fa9d89dcb0d485f12c81cd09a6681b8dae2b828"),
    "myc": Pin("MouadJb/MYC", "645d51af6dce7bae3f27ffc3005e4d788d5ee2e4"),
    "omcd": Pin("kabilessefar/OMCD-Offensive-Moroccan-Comments-Dataset",
                "43a1d23627045098ac76a5db56fe99ed8e36b930"),
    "l_hsab": Pin("Hala-Mulki/L-HSAB-First-Arabic-Levantine-HateSpeech-Dataset",
                  "9abf6b6d05f484b67cd85a4a61476c51b5cc1910"),
    "otam": Pin("xprogramer/OTAM", "8b32817110419e7f04615cedcd8d32ee8a1c39b1"),
    "armpro": Pin("MaramHasanain/ArMPro", "4caa4d3b9f45bc749e7865a88a61d1024b090eac"),
    "narabizi": Pin("SamiaTouileb/NArabizi", "1434f57bbaa718994f9080e4402f72d81a2962b2"),
    "darija_translit_silver": Pin("Mehdi192002/Darija-Transliteration",
                                  "103089f53e972034b869229fd97851670679149e"),
}

_NARABIZI = tuple(f"data/Narabizi/pos/{s}_NArabizi.conllu" for s in ("train", "dev", "test"))
FILES: dict[str, SourceFile] = {
    f.relpath: f
    for f in (
        SourceFile("elecmorocco2016/elecmorocco2016.csv", "index", ("ElecMorocco2016.xlsx",)),
        SourceFile("msac/msac.csv", None, ("MSAC.arff",)),
        SourceFile("mac/mac_corpus.csv", None, ("MAC corpus.csv",)),
        SourceFile("myc/myc_cleaned.csv", None, ("DATA_CLEANED.csv",)),
        SourceFile("omcd/omcd_train.csv", "id", ("train.csv",)),
        SourceFile("omcd/omcd_test.csv", "id", ("test.csv",)),
        SourceFile("l_hsab/l_hsab.csv", None, ("Dataset/L-HSAB",)),
        SourceFile("otam/otam.csv", None, ("corpus data/normal.csv", "corpus data/offensive.csv")),
        SourceFile("armpro/armpro_dev.jsonl", None,
                   ("dataset/text/V2/span/ArMPro_span_dev_V2.jsonl",)),
        SourceFile("armpro/armpro_test.jsonl", None,
                   ("dataset/text/V2/span/ArMPro_span_test_V2.jsonl",)),
        SourceFile("narabizi/narabizi.jsonl", "sent_id", _NARABIZI),
        SourceFile("darija_translit_silver/raw_reels_comments.csv", None,
                   ("data/raw/darija_reels_comments.csv",)),
    )
}

_REPO = re.compile(r"Source repo[^:\n]*:\s*https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?(?=[\s)]|$)",
                   re.MULTILINE)
_COMMIT = re.compile(r"^\W*Commit[^:\n]*:\s*([0-9a-f]{40})\b", re.MULTILINE)


def default_cache_dir() -> Path:
    """Where downloaded sources go: ``$ARAPOL_CACHE/sources`` or ``~/.cache/arapol/sources``."""
    return Path(os.environ.get("ARAPOL_CACHE") or Path.home() / ".cache" / "arapol") / "sources"


def read_pin(source_md: Path) -> Pin:
    """The repository and commit named in a data set's ``SOURCE.md``."""
    text = source_md.read_text(encoding="utf-8")
    repo, commit = _REPO.search(text), _COMMIT.search(text)
    if repo is None or commit is None:
        raise SourceError(f"{source_md}: no 'Source repo: https://github.com/...' and "
                          "'Commit: <40 hex digits>' lines")
    return Pin(repo[1], commit[1])


def pin_for(dataset: str, data_dir: Path) -> Pin:
    """The pin of ``SOURCE.md`` in the data folder, else the registry's copy of it."""
    source_md = data_dir / dataset / "SOURCE.md"
    if source_md.is_file():
        return read_pin(source_md)
    if dataset in PINS:
        return PINS[dataset]
    raise SourceError(f"{dataset}: no {source_md} and no known repository to download from")


@dataclass
class SourceTexts:
    """The texts of one source file by row key; keys that occur twice are ambiguous."""

    texts: dict[str, str] = field(default_factory=dict)
    duplicates: set[str] = field(default_factory=set)


def read_texts(path: Path, key: str | None) -> SourceTexts:
    """Texts of a CSV (read as strings, empty cells kept) or JSONL file, by row key."""
    if path.suffix == ".jsonl":
        pairs = _jsonl_pairs(path, key)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("text", key):
            if column is not None and column not in frame.columns:
                raise SourceError(f"{path}: no column {column!r} (columns {list(frame.columns)})")
        keys = frame[key] if key is not None else frame.index.astype(str)
        pairs = zip(keys, frame["text"], strict=True)
    out = SourceTexts()
    for k, text in pairs:
        if k in out.texts:
            out.duplicates.add(k)
        out.texts[k] = text
    return out


def _jsonl_pairs(path: Path, key: str | None) -> list[tuple[str, str]]:
    pairs = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            record = json.loads(line)
            if "text" not in record or (key is not None and key not in record):
                raise SourceError(f"{path}:{number + 1}: no 'text' or {key!r} field")
            pairs.append((str(number) if key is None else str(record[key]), record["text"]))
    return pairs


def locate(source: SourceFile, data_dir: Path, cache_dir: Path, *, download: bool = True,
           base_url: str | None = None) -> Path:
    """The path of a source file: data folder, else cache, else downloaded into the cache."""
    for root in (data_dir, cache_dir):
        if (root / source.relpath).is_file():
            return root / source.relpath
    if not download:
        raise SourceError(f"{source.relpath}: missing from {data_dir} (and not in the download "
                          f"cache {cache_dir}); run `arapol corpus build` to download it")
    pin = pin_for(source.dataset, data_dir)
    base = base_url or os.environ.get("ARAPOL_DOWNLOAD_BASE") or DEFAULT_BASE_URL
    blobs = [_fetch(pin.url(path, base)) for path in source.originals]
    try:
        frame = source.convert(blobs)
    except (ConversionError, ValueError, KeyError, UnicodeDecodeError) as err:
        raise SourceError(f"{source.relpath}: could not convert the download from {pin.repo}@"
                          f"{pin.commit[:12]}: {err}") from err
    target = cache_dir / source.relpath
    _write_table(frame, target)
    return target


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as err:
        raise SourceError(f"download failed: {url}: {err}") from err


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    if path.suffix == ".jsonl":
        frame.to_json(partial, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_csv(partial, index=False, encoding="utf-8", quoting=csv.QUOTE_ALL)
    partial.replace(path)
