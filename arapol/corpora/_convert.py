"""Per-source conversions: the upstream files (bytes) -> the shared data folder's table.

Each converter takes the original files' bytes, in the order listed in the source registry,
and returns a frame with the columns of the file in the shared data folder (at least ``text``
and the row-key column). Where the rebuilt text differs from the one annotated, the build's
hash check reports it; nothing is trusted blindly.

>>> _omcd([b",comment,off\\n7,salam,0\\n"]).to_dict("records")
[{'text': 'salam', 'label': '0', 'id': '7'}]
"""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd

__all__ = ["CONVERTERS", "ConversionError"]


class ConversionError(RuntimeError):
    """An original file that cannot be turned into the shared data folder's table."""


def _csv(blob: bytes, **options: object) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(blob), dtype=str, keep_default_na=False, **options)


def _expect(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConversionError(f"{what}: expected column(s) {missing}, found {list(frame.columns)}")


def _elecmorocco(blobs: list[bytes]) -> pd.DataFrame:
    """``ElecMorocco2016.xlsx`` (4 columns: index, comment, sentiment N/P, timestamp)."""
    try:
        import openpyxl  # noqa: F401  (pandas reads .xlsx through it)
    except ImportError as err:
        raise ConversionError(
            "elecmorocco2016: the original is an Excel file (ElecMorocco2016.xlsx); converting "
            "it needs openpyxl: pip install openpyxl"
        ) from err
    frame = pd.read_excel(io.BytesIO(blobs[0]), sheet_name="Feuil1", dtype=str,
                          keep_default_na=False)
    if len(frame.columns) != 4:
        raise ConversionError(f"ElecMorocco2016.xlsx: expected 4 columns, found {list(frame.columns)}")
    frame.columns = ["index", "text", "label", "comment_published"]
    return frame[["text", "label", "index", "comment_published"]]


_ARFF_ROW = re.compile(r"^'(?P<text>.*)',(?P<label>[^,']+)\s*$")
_ARFF_ESCAPE = re.compile(r"\\(.)")


def _msac(blobs: list[bytes]) -> pd.DataFrame:
    """``MSAC.arff``: ``'text',class`` rows after ``@data``; quotes removed, escapes undone."""
    rows, in_data = [], False
    for number, line in enumerate(blobs[0].decode("utf-8").splitlines(), 1):
        if not in_data:
            in_data = line.strip().lower() == "@data"
            continue
        if not line.strip() or line.startswith("%"):
            continue
        match = _ARFF_ROW.match(line)
        if match is None:
            raise ConversionError(f"MSAC.arff line {number}: not a 'text',class row")
        rows.append({"text": _ARFF_ESCAPE.sub(r"\1", match["text"]), "label": match["label"]})
    return pd.DataFrame(rows, columns=["text", "label"])


def _mac(blobs: list[bytes]) -> pd.DataFrame:
    """``MAC corpus.csv``: tweets, type, class."""
    frame = _csv(blobs[0])
    _expect(frame, ["tweets", "type", "class"], "MAC corpus.csv")
    return frame.rename(columns={"tweets": "text", "type": "label"})[["text", "label", "class"]]


def _myc(blobs: list[bytes]) -> pd.DataFrame:
    """``DATA_CLEANED.csv`` (UTF-16): one ``sentence,polarity`` a line, split at the last comma."""
    rows = []
    for number, line in enumerate(blobs[0].decode("utf-16").splitlines(), 1):
        if not line.strip() or (number == 1 and line.strip() == "sentence,polarity"):
            continue
        text, sep, label = line.rpartition(",")
        if not sep:
            raise ConversionError(f"DATA_CLEANED.csv line {number}: no polarity after a comma")
        rows.append({"text": text, "label": label.strip()})
    return pd.DataFrame(rows, columns=["text", "label"])


def _omcd(blobs: list[bytes]) -> pd.DataFrame:
    """OMCD ``train.csv`` / ``test.csv``: unnamed id column, comment, off."""
    frame = _csv(blobs[0])
    _expect(frame, ["comment", "off"], "OMCD csv")
    frame = frame.rename(columns={frame.columns[0]: "id", "comment": "text", "off": "label"})
    return frame[["text", "label", "id"]]


def _l_hsab(blobs: list[bytes]) -> pd.DataFrame:
    """``Dataset/L-HSAB``: tab-separated ``Tweet<TAB>Class`` with a header."""
    frame = _csv(blobs[0], sep="\t", quoting=csv.QUOTE_NONE)
    _expect(frame, ["Tweet", "Class"], "L-HSAB")
    return frame.rename(columns={"Tweet": "text", "Class": "label"})[["text", "label"]]


def _otam(blobs: list[bytes]) -> pd.DataFrame:
    """``normal.csv`` then ``offensive.csv`` (label,content; 1 = normal, 0 = offensive)."""
    parts = []
    for blob, name in zip(blobs, ("normal", "offensive"), strict=True):
        frame = _csv(blob)
        _expect(frame, ["label", "content"], f"OTAM {name}.csv")
        parts.append(pd.DataFrame({"text": frame["content"], "label": name,
                                   "orig_label": frame["label"]}))
    return pd.concat(parts, ignore_index=True)


def _armpro(blobs: list[bytes]) -> pd.DataFrame:
    """ArMPro span JSONL, one paragraph a line, in the original order."""
    rows = []
    for line in blobs[0].decode("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            techniques = sorted({span["technique"] for span in record.get("labels", [])})
            rows.append({"text": record["paragraph"], "techniques": techniques,
                         "label": "propagandistic" if techniques else "non-propagandistic"})
    return pd.DataFrame(rows, columns=["text", "label", "techniques"])


def _narabizi(blobs: list[bytes]) -> pd.DataFrame:
    """The train, dev and test CoNLL-U files: ``# sent_id`` and ``# text`` of each sentence."""
    rows = []
    for blob, split in zip(blobs, ("train", "dev", "test"), strict=True):
        sent_id = None
        for line in blob.decode("utf-8").splitlines():
            if line.startswith("# sent_id = "):
                sent_id = line[len("# sent_id = "):]
            elif line.startswith("# text = "):
                rows.append({"sent_id": sent_id, "split": split, "text": line[len("# text = "):]})
                sent_id = None
    return pd.DataFrame(rows, columns=["sent_id", "split", "text"])


def _reels(blobs: list[bytes]) -> pd.DataFrame:
    """``darija_reels_comments.csv``: no header, ``source type,text,...`` rows."""
    reader = csv.reader(io.StringIO(blobs[0].decode("utf-8")))
    return pd.DataFrame({"text": [row[1] for row in reader if len(row) > 1]})


CONVERTERS = {
    "elecmorocco2016": _elecmorocco,
    "msac": _msac,
    "mac": _mac,
    "myc": _myc,
    "omcd": _omcd,
    "l_hsab": _l_hsab,
    "otam": _otam,
    "armpro": _armpro,
    "narabizi": _narabizi,
    "darija_translit_silver": _reels,
}
