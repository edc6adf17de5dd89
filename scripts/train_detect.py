"""Train the language model of ``arapol.text.detect`` and write ``arapol/data/detect/``.

Classes and training sources (folders of ``shared/data``):

- msa: mac ``standard``, qadi ``MSA``, armpro paragraphs (split into sentences), ans_stance
  headlines and claims
- darija, Arabic script: mac ``dialectal``, darija_lid_val ``ary``, qadi ``MA``, marsum titles
  (the articles mix in MSA passages, so only the all-Darija titles are used), oldi_seed ``ary``
- darija, Latin (Arabizi): doda sentences, myc Latin-script comments that a first-stage model
  trained without myc does not call french / english / amazigh (myc mixes in French comments)
- amazigh: oldi_seed Tifinagh, otam Kabyle comments (Latin), tamazight_en_dict2007 entries
- french: narabizi ``trad_fr``; english: doda ``eng``, oldi_seed ``eng``
- other: Mashriqi and Gulf dialects: qadi (EG, SA, QA, SY, LB, YE, AE, KW, SD, BH, JO, IQ,
  PL, OM), l_hsab (Levantine), mawqif (Gulf). Maghrebi dialects other than Moroccan (qadi DZ,
  TN, LY) are in no class: they are too close to Darija for this model to separate, and a
  Moroccan toolkit should rather call them darija than miss Darija.

Not used: darija_lid_val ``other`` (MSA and several dialects under one label). Without
variety labels, elecmorocco2016, msac, omcd and myc serve only to estimate how rare ``other``
is in Moroccan posts (:func:`train`, step 4). Every source row whose hash falls in the
held-out fifth (:func:`is_heldout`) is never trained on; ``scripts/eval_detect.py`` evaluates
on it. Each source is capped (:data:`SOURCE_CAP`, :data:`CAPS`) and classes are weighted to
equal total weight. Training takes a few minutes on 2 CPUs.

    python scripts/train_detect.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier

from arapol.text.detect import LANGS, MODEL_PATH, SCRIPT_LANGS, LangModel, detect, text_ngram_ids
from arapol.text.normalize import normalize
from arapol.text.tokenize import tokenize

BITS = 18  # 2**18 hashed n-gram buckets
ALPHA = 1e-6  # L2 strength of the SGD logistic regression
EPOCHS = 20
SOURCE_CAP = 10_000  # training rows kept per source (sampled with a fixed seed) ...
# ... except oldi_seed's Darija: Wikipedia translations that its own card calls close to MSA
CAPS = {"oldi_seed": 2000}
HELDOUT_BUCKET = 0  # never trained on; scripts/eval_detect.py reports on it
CALIBRATION_BUCKET = 1  # left out of the probe model that fixes the temperature
OTHER_COUNTRIES = frozenset("EG SA QA SY LB YE AE KW SD BH JO IQ PL OM".split())
_QADI_PLACEHOLDERS = re.compile(r"\b(?:URL|EMOJI|NUM)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Row:
    """One labelled text and the data set it comes from."""

    text: str
    lang: str
    source: str


def hash_bucket(text: str) -> int:
    """sha256 of the model-normalized text, first 8 bytes as a big-endian integer, mod 5.

    Identical texts therefore always fall in the same bucket, whichever data set they come from.

    >>> hash_bucket("واش غادي تصوت") in range(5)
    True
    """
    digest = hashlib.sha256(normalize(text, "model").strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 5


def is_heldout(text: str) -> bool:
    """The held-out rule: bucket 0, about 20% of every source, never trained on."""
    return hash_bucket(text) == HELDOUT_BUCKET


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _sentences(paragraph: str, min_chars: int = 20) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if len(s) >= min_chars]


def _rows(texts: Iterable[str], lang: str, source: str) -> list[Row]:
    return [Row(t.strip(), lang, source) for t in texts if t and t.strip()]


def load_mac(data: Path) -> list[Row]:
    """MAC tweets; ``class`` standard -> msa, dialectal (and the typo diatectal) -> darija."""
    return [Row(r["text"].strip(), "msa" if r["class"] == "standard" else "darija", "mac")
            for r in read_csv(data / "mac" / "mac_corpus.csv") if r["text"].strip()]


def load_darija_lid(data: Path) -> list[Row]:
    """darija_lid_val with its own labels kept in ``lang``: ``ary`` -> darija, else ``other``."""
    return [Row(r["text"].strip(), "darija" if r["label"] == "ary" else "other", "darija_lid_val")
            for r in read_csv(data / "darija_lid_val" / "darija_lid_val.csv") if r["text"].strip()]


def load_msa(data: Path) -> list[Row]:
    """MSA news: armpro sentences, ans_stance headlines and claims, qadi MSA."""
    armpro = [s for split in ("dev", "test")
              for r in read_jsonl(data / "armpro" / f"armpro_{split}.jsonl") for s in _sentences(r["text"])]
    ans: list[str] = []
    for split in ("train", "dev", "test"):
        ans += [t for r in read_csv(data / "ans_stance" / f"ans_stance_{split}.csv") for t in (r["s1"], r["text"])]
        ans += [r["text"] for r in read_csv(data / "ans_stance" / f"ans_claim_{split}.csv")]
    return _rows(armpro, "msa", "armpro") + _rows(ans, "msa", "ans_stance")


def load_qadi(data: Path) -> list[Row]:
    """QADI test tweets: MSA -> msa, MA -> darija, Mashriqi/Gulf countries -> other."""
    lang = {"MSA": "msa", "MA": "darija"} | dict.fromkeys(OTHER_COUNTRIES, "other")
    return [Row(_QADI_PLACEHOLDERS.sub(" ", r["text"]).strip(), lang[r["label"]], "qadi_test")
            for r in read_csv(data / "qadi_test" / "qadi_test.csv") if r["label"] in lang]


def load_darija(data: Path) -> list[Row]:
    """Darija: marsum titles, oldi_seed ary, doda Latin sentences."""
    titles = [r["summary"] for r in read_jsonl(data / "marsum_test" / "marsum_test.jsonl")]
    oldi = list(read_jsonl(data / "oldi_seed" / "seed_eng_ary_zgh.jsonl"))
    doda = [r["darija"] for name in ("sentences_ongoing.csv", "sentences_translated.csv")
            for r in read_csv(data / "doda" / name)]
    return (_rows(titles, "darija", "marsum_test") + _rows((r["ary_Arab"] for r in oldi), "darija", "oldi_seed")
            + _rows(doda, "darija", "doda"))


def load_myc_latin(data: Path) -> list[Row]:
    """myc comments with Latin letters and no Arabic letters (Arabizi, some French), as darija."""
    texts = (r["text"].replace("<br>", " ").replace('"', " ") for r in read_csv(data / "myc" / "myc_cleaned.csv"))
    return _rows((t for t in texts if _LATIN.search(t) and not _ARABIC.search(t)), "darija", "myc")


def load_amazigh(data: Path) -> list[Row]:
    """Amazigh: oldi_seed Tifinagh, otam Kabyle comments, tamazight_en_dict2007 entries."""
    folder = data / "tamazight_en_dict2007"
    words = [r["ZGH_source"].lstrip(". ") for r in read_csv(folder / "tamazight_english.csv")]
    words += [r["ZGH_target"] for r in read_csv(folder / "english_tamazight.csv")]
    words += [" ".join(list(r.values())[1:]) for r in read_csv(folder / "verbs.csv")]
    words += [r["Country_ZGH"] for r in read_csv(folder / "countries.csv")]
    words += [r["Phrase"] for r in read_csv(folder / "god_phrases.csv")]
    tifinagh = [r["zgh_Tfng"] for r in read_jsonl(data / "oldi_seed" / "seed_eng_ary_zgh.jsonl")]
    return (_rows(tifinagh, "amazigh", "oldi_seed_zgh") + _rows((r["text"] for r in read_csv(data / "otam" / "otam.csv")), "amazigh", "otam")
            + _rows(words, "amazigh", "tamazight_en_dict2007"))


def load_french_english(data: Path) -> list[Row]:
    """French: narabizi trad_fr. English: doda eng, oldi_seed eng."""
    french = [r["trad_fr"] for r in read_jsonl(data / "narabizi" / "narabizi.jsonl")]
    doda = [r["eng"] for r in read_csv(data / "doda" / "sentences_translated.csv")]
    oldi = [r["eng_Latn"] for r in read_jsonl(data / "oldi_seed" / "seed_eng_ary_zgh.jsonl")]
    return (_rows(french, "french", "narabizi") + _rows(doda, "english", "doda_eng")
            + _rows(oldi, "english", "oldi_seed_eng"))


def load_other(data: Path) -> list[Row]:
    """Mashriqi and Gulf dialects: l_hsab (Levantine), mawqif (Gulf); qadi comes from load_qadi."""
    levantine = [r["text"] for r in read_csv(data / "l_hsab" / "l_hsab.csv")]
    gulf = [r["text"] for split in ("train", "test") for r in read_csv(data / "mawqif" / f"mawqif_{split}.csv")]
    return _rows(levantine, "other", "l_hsab") + _rows(gulf, "other", "mawqif")


def load_corpus(data: Path) -> list[Row]:
    """All labelled rows except myc (see :func:`load_myc_latin`), deduplicated by text and class."""
    rows = (load_mac(data) + [r for r in load_darija_lid(data) if r.lang == "darija"] + load_msa(data)
            + load_qadi(data) + load_darija(data) + load_amazigh(data) + load_french_english(data)
            + load_other(data))
    return list(dict.fromkeys(rows))


def training_rows(rows: Iterable[Row], exclude: frozenset[str] = frozenset(), seed: int = 0) -> list[Row]:
    """Rows outside the held-out fifth and the excluded sources, at most SOURCE_CAP per source."""
    by_source: dict[str, list[Row]] = {}
    for row in rows:
        if row.source not in exclude and not is_heldout(row.text):
            by_source.setdefault(row.source, []).append(row)
    rng = random.Random(seed)
    kept: list[Row] = []
    for source in sorted(by_source):
        group = by_source[source]
        cap = CAPS.get(source, SOURCE_CAP)
        kept += rng.sample(group, cap) if len(group) > cap else group
    return kept


def features(texts: Iterable[str], bits: int = BITS) -> sparse.csr_matrix:
    """Rows of n-gram counts / sqrt(number of n-grams), as LangModel.predict scores them."""
    ids, indptr = [], [0]
    for text in texts:
        ids.append(text_ngram_ids(text, bits))
        indptr.append(indptr[-1] + len(ids[-1]))
    lengths = np.diff(indptr)
    data = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    matrix = sparse.csr_matrix((data, np.concatenate(ids).astype(np.int64), indptr), shape=(len(indptr) - 1, 2**bits))
    matrix.sum_duplicates()
    return matrix


def fit(rows: list[Row], bits: int = BITS, alpha: float = ALPHA) -> LangModel:
    """One-vs-rest logistic regression by SGD over the scaled n-gram counts, classes equally weighted.

    (lbfgs multinomial logistic regression took 5x longer and scored lower on held-out data.)
    """
    counts = Counter(row.lang for row in rows)
    weights = np.array([len(rows) / (len(counts) * counts[row.lang]) for row in rows])
    classifier = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=EPOCHS, tol=None, random_state=0)
    classifier.fit(features((r.text for r in rows), bits), [r.lang for r in rows], sample_weight=weights)
    langs = tuple(str(lang) for lang in classifier.classes_)
    return LangModel(langs, classifier.coef_.T.astype(np.float32), classifier.intercept_.astype(np.float32), bits)


def quantize(model: LangModel) -> LangModel:
    """The model as it is stored: weights rounded to int8 steps."""
    scale = float(np.abs(model.weights).max()) / 127
    weights = np.round(model.weights / scale).astype(np.float32) * np.float32(scale)
    return LangModel(model.langs, weights, model.bias, model.bits)


def save(model: LangModel, path: Path, other_shift: float) -> None:
    """Write int8 weights, their scale, the biases, class names and hash size (npz).

    ``other_shift`` (already in the biases) is kept for the record: eval_detect.py reports the
    model without it too.
    """
    scale = float(np.abs(model.weights).max()) / 127
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, weights=np.round(model.weights / scale).astype(np.int8), scale=np.float32(scale),
                        bias=model.bias, langs=np.array(model.langs), bits=np.int64(model.bits),
                        other_shift=np.float32(other_shift))


def keep_arabizi(model: LangModel, rows: list[Row]) -> list[Row]:
    """Latin rows that ``model`` calls darija (drops French / English / Amazigh comments)."""
    return [row for row in rows if model.predict(row.text, "latin")[0] == "darija"]


def logits(model: LangModel, texts: list[str]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Indices of the texts the model scores (Arabic, Latin or mixed script), their raw scores,
    and a mask that is -inf for the classes their script does not allow."""
    kept, scores, masks = [], [], []
    for i, text in enumerate(texts):
        script = detect(text, model).script
        if script in SCRIPT_LANGS:
            kept.append(i)
            scores.append(model.scores(tokenize(text)))
            masks.append([0.0 if lang in SCRIPT_LANGS[script] else -np.inf for lang in model.langs])
    return kept, np.array(scores), np.array(masks)


def softmax(scores: np.ndarray) -> np.ndarray:
    exps = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def fit_temperature(model: LangModel, rows: list[Row]) -> float:
    """The temperature that minimises the log loss on ``rows`` (grid 0.5..5 by 0.1)."""
    kept, scores, masks = logits(model, [r.text for r in rows])
    gold = np.array([model.langs.index(rows[i].lang) for i in kept])
    grid = np.round(np.arange(0.5, 5.01, 0.1), 1)
    losses = [-np.log(softmax(scores / t + masks)[np.arange(len(gold)), gold] + 1e-12).mean() for t in grid]
    return float(grid[int(np.argmin(losses))])


def other_log_prior(model: LangModel, texts: list[str], iterations: int = 100) -> float:
    """How much rarer ``other`` is in unlabelled Moroccan posts than in training, as a log ratio.

    EM re-estimation of class priors (Saerens, Latinne & Decaestecker 2002) over the Arabic-script
    classes; training gave them equal priors.
    """
    arabic = [model.langs.index(lang) for lang in SCRIPT_LANGS["arabic"]]
    _, scores, masks = logits(model, texts)
    only_arabic = np.isinf(masks[:, [i for i in range(len(model.langs)) if i not in arabic]]).all(axis=1)
    probs = softmax(scores[only_arabic][:, arabic])
    prior = np.full(len(arabic), 1 / len(arabic))
    for _ in range(iterations):
        posterior = probs * prior * len(arabic)
        prior = (posterior / posterior.sum(axis=1, keepdims=True)).mean(axis=0)
    print("EM class shares of Arabic-script Moroccan posts:", dict(zip(SCRIPT_LANGS["arabic"], prior.round(4), strict=True)))
    return float(np.log(prior[SCRIPT_LANGS["arabic"].index("other")] * len(arabic)))


def moroccan_posts(data: Path) -> list[str]:
    """Unlabelled (for variety) Moroccan comments: elecmorocco2016, msac, omcd, myc."""
    files = ["elecmorocco2016/elecmorocco2016.csv", "msac/msac.csv", "omcd/omcd_train.csv",
             "omcd/omcd_test.csv", "myc/myc_cleaned.csv"]
    return [r["text"] for name in files for r in read_csv(data / name) if r["text"].strip()]


def adjusted(model: LangModel, temperature: float, other_shift: float = 0.0) -> LangModel:
    """The model with scores divided by ``temperature`` and ``other_shift`` added to other's bias."""
    bias = model.bias / np.float32(temperature)
    bias[model.langs.index("other")] += np.float32(other_shift)
    return LangModel(model.langs, model.weights / np.float32(temperature), bias, model.bits)


def train(data: Path, exclude: frozenset[str] = frozenset(), bits: int = BITS,
          alpha: float = ALPHA) -> tuple[LangModel, float]:
    """Fit, calibrate and adapt the model; also return the shift given to other's bias.

    1. A model without myc filters myc's Latin comments (:func:`keep_arabizi`).
    2. A probe model trained without the calibration fifth (hash bucket 1) fixes the temperature.
    3. The final model is trained on all training rows and divided by that temperature.
    4. The bias of ``other`` (Mashriqi/Gulf dialects) is lowered to the share EM finds in
       unlabelled Moroccan posts (:func:`other_log_prior`); the other classes keep equal priors,
       so that French and English code-switching, rare in those posts, is not suppressed.
    """
    rows = training_rows(load_corpus(data), exclude)
    myc = training_rows(keep_arabizi(fit(rows, bits, alpha), load_myc_latin(data)), exclude)
    print(f"myc Latin rows kept as Arabizi: {len(myc)}")
    rows += myc
    print("training rows per class:", dict(sorted(Counter(r.lang for r in rows).items())))
    print("training rows per source:", dict(sorted(Counter(r.source for r in rows).items())))
    calibration = [r for r in rows if hash_bucket(r.text) == CALIBRATION_BUCKET]
    probe = fit([r for r in rows if hash_bucket(r.text) != CALIBRATION_BUCKET], bits, alpha)
    temperature = fit_temperature(probe, calibration)
    model = adjusted(fit(rows, bits, alpha), temperature)
    shift = other_log_prior(model, moroccan_posts(data))
    print(f"temperature {temperature}, log-prior shift of other {shift:.3f}")
    return adjusted(model, 1.0, shift), shift


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--bits", type=int, default=BITS)
    parser.add_argument("--alpha", type=float, default=ALPHA)
    args = parser.parse_args()
    model, other_shift = train(args.data, bits=args.bits, alpha=args.alpha)
    assert set(model.langs) == set(LANGS), model.langs
    save(model, args.out, other_shift)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, classes {model.langs})")


if __name__ == "__main__":
    main()
