"""Rebuild arapol's Arabizi -> Arabic model (``arapol/data/arabizi/model.json.gz``) from DODa.

Steps: (1) word pairs from the DODa sentence pairs (sentences_ongoing + sentences_translated)
outside the fixed held-out split (``arapol.text._arabizi.heldout``: SHA-256 of the stripped
Latin text divisible by 10), optionally (``--lexicon``) from the lexicon rows whose Latin
text is not held out; (2) many-to-many character alignment by EM
(Latin chunks of 1-3 characters to Arabic chunks of 0-2); (3) a Witten-Bell n-gram model
over the aligned chunk pairs ("graphones"), an Arabic character n-gram LM, and French /
Arabizi Latin character LMs (French from spaCy's French word lists) for the French-word
check. Only pruned n-gram statistics are written; no sentence or word list.

    python scripts/train_arabizi.py                 # write the model
    python scripts/train_arabizi.py --tune          # CER of a parameter grid on a dev split
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import itertools
import json
import math
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import editdistance

from arapol.text import _arabizi
from arapol.text._arabizi import BOW, EOW, INITIAL, SEP, fold_case, fold_for_cer, heldout
from arapol.text.translit import _LATIN_WORD

DODA = Path("/work/shared/data/doda")
SENTENCE_FILES = ("sentences_ongoing.csv", "sentences_translated.csv")
LATIN_WORD = re.compile(_LATIN_WORD)  # the words arapol.transliterate decodes
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
EDGE_PUNCT = "?!.,;:؟،؛\"'«»()[]-…*/"
SENTENCE_END = ".!?؟\n"
STEPS = [(k, m) for k in (1, 2, 3) for m in (0, 1, 2) if m or k == 1]  # (latin, arabic) sizes
MIN_GRAPHONE_COUNT = 3
MIN_GRAPHONE_SHARE = 0.01  # of the Latin chunk's uses (0.002 on dev: higher CER, 2x slower)
PARAMS = {  # chosen with --tune on the dev split (hash digit 1)
    "graphone_order": 3,
    "arabic_order": 6,
    "arabic_weight": 0.1,
    "beam": 3,
    "foreign_margin": 0.5,
    "foreign_min_len": 4,
}


# ---------------------------------------------------------------- data


def is_dev(latin: str) -> bool:
    """Dev split for --tune: the hash digit after the test one (never the test split)."""
    return int(hashlib.sha256(latin.strip().encode("utf-8")).hexdigest(), 16) % 10 == 1


def sentence_pairs(doda: Path) -> list[tuple[str, str, str]]:
    """(latin, arabic, file) for every DODa sentence pair with both sides."""
    pairs = []
    for name in SENTENCE_FILES:
        with (doda / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                latin, arabic = row["darija"].strip(), row["darija_ar"].strip()
                if latin and arabic:
                    pairs.append((latin, arabic, name))
    return pairs


def lexicon_pairs(doda: Path, excluded: set[str]) -> list[tuple[str, str]]:
    """(latin, arabic) from the lexicon: every spelling variant n1..n6 and ``darija``."""
    pairs = []
    for path in sorted((doda / "lexicon").rglob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                arabic = (row.get("darija_ar") or "").strip()
                variants = [row.get(k) for k in ("n1", "n2", "n3", "n4", "n5", "n6", "darija")]
                for latin in filter(None, (v.strip() for v in variants if v)):
                    if arabic and not heldout(latin) and latin not in excluded:
                        pairs.append((latin, arabic))
    return pairs


def clean_arabic(word: str) -> str:
    return ARABIC_MARKS.sub("", unicodedata.normalize("NFC", word)).strip(EDGE_PUNCT)


def word_pairs(sentences: Iterable[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Aligned (case-folded latin word, arabic word) pairs from equal-length sentences."""
    counts: Counter[tuple[str, str]] = Counter()
    for latin, arabic in sentences:
        lat_words, ar_words = latin.split(), arabic.split()
        if len(lat_words) != len(ar_words):
            continue
        initial = True
        for lat, ar in zip(lat_words, ar_words, strict=True):
            stripped, target = lat.strip(EDGE_PUNCT), clean_arabic(ar)
            if LATIN_WORD.fullmatch(stripped) and not stripped.isdigit() and target:
                counts[(fold_case(stripped, initial), target)] += 1
            initial = lat[-1] in SENTENCE_END
    return counts


# ---------------------------------------------------------------- alignment


def _forward(lat: str, ar: str, prob: dict, unseen: float) -> list[list[float]]:
    alpha = [[0.0] * (len(ar) + 1) for _ in range(len(lat) + 1)]
    alpha[0][0] = 1.0
    for i in range(1, len(lat) + 1):
        for j in range(len(ar) + 1):
            total = 0.0
            for k, m in STEPS:
                if k <= i and m <= j and alpha[i - k][j - m]:
                    total += alpha[i - k][j - m] * prob.get((lat[i - k:i], ar[j - m:j]), unseen)
            alpha[i][j] = total
    return alpha


def _backward(lat: str, ar: str, prob: dict, unseen: float) -> list[list[float]]:
    n, m_len = len(lat), len(ar)
    beta = [[0.0] * (m_len + 1) for _ in range(n + 1)]
    beta[n][m_len] = 1.0
    for i in range(n - 1, -1, -1):
        for j in range(m_len, -1, -1):
            total = 0.0
            for k, m in STEPS:
                if i + k <= n and j + m <= m_len and beta[i + k][j + m]:
                    total += beta[i + k][j + m] * prob.get((lat[i:i + k], ar[j:j + m]), unseen)
            beta[i][j] = total
    return beta


def em_align(pairs: Counter[tuple[str, str]], iterations: int) -> dict[tuple[str, str], float]:
    """Joint chunk-pair probabilities by expectation-maximisation (m2m-aligner style)."""
    prob: dict[tuple[str, str], float] = {}
    for iteration in range(iterations):
        unseen = 0.0 if iteration else 1.0  # the first pass counts every possible alignment
        counts: dict[tuple[str, str], float] = defaultdict(float)
        for (lat, ar), weight in pairs.items():
            alpha, beta = _forward(lat, ar, prob, unseen), _backward(lat, ar, prob, unseen)
            total = alpha[len(lat)][len(ar)]
            if total <= 0.0:
                continue
            for i, j in itertools.product(range(len(lat) + 1), range(len(ar) + 1)):
                if not beta[i][j]:
                    continue
                for k, m in STEPS:
                    if k <= i and m <= j and alpha[i - k][j - m]:
                        key = (lat[i - k:i], ar[j - m:j])
                        p = prob.get(key, unseen)
                        if p:
                            counts[key] += weight * alpha[i - k][j - m] * p * beta[i][j] / total
        norm = sum(counts.values())
        prob = {key: c / norm for key, c in counts.items() if c / norm > 1e-7}
    return prob


def viterbi(lat: str, ar: str, prob: dict) -> list[tuple[str, str]] | None:
    """The most probable chunk alignment of one word pair, or None."""
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {(0, 0): (0.0, None)}
    for i in range(1, len(lat) + 1):
        for j in range(len(ar) + 1):
            for k, m in STEPS:
                prev = best.get((i - k, j - m))
                p = prob.get((lat[i - k:i], ar[j - m:j]), 0.0) if k <= i and m <= j else 0.0
                if prev is not None and p:
                    score = prev[0] + math.log(p)
                    if (i, j) not in best or best[(i, j)][0] < score:
                        best[(i, j)] = (score, (i - k, j - m))
    if (len(lat), len(ar)) not in best:
        return None
    chunks, cell = [], (len(lat), len(ar))
    while cell != (0, 0):
        back = best[cell][1]
        assert back is not None
        chunks.append((lat[back[0]:cell[0]], ar[back[1]:cell[1]]))
        cell = back
    return chunks[::-1]


# ---------------------------------------------------------------- n-gram LMs


def train_lm(
    sequences: Iterable[tuple[Sequence, int]], order: int, min_count: int
) -> dict[tuple, tuple[float, float]]:
    """Witten-Bell interpolated n-grams as (log10 p, log10 backoff); each sequence starts with
    a boundary token that is never predicted. N-grams of order >= 3 seen < min_count are pruned.
    """
    counts: list[Counter[tuple]] = [Counter() for _ in range(order + 1)]
    for seq, weight in sequences:
        seq = tuple(seq)
        for i in range(1, len(seq)):
            for n in range(1, order + 1):
                if i - n + 1 >= 0:
                    counts[n][seq[i - n + 1:i + 1]] += weight
    totals: Counter[tuple] = Counter()
    types: Counter[tuple] = Counter()
    for n in range(1, order + 1):
        for gram, c in counts[n].items():
            totals[gram[:-1]] += c
            types[gram[:-1]] += 1
    probs: dict[tuple, float] = {}
    for n in range(1, order + 1):
        for gram, c in counts[n].items():
            hist = gram[:-1]
            lower = probs.get(gram[1:], 0.0) if n > 1 else 0.0
            if n == 1:
                probs[gram] = c / totals[hist]
            else:
                probs[gram] = (c + types[hist] * lower) / (totals[hist] + types[hist])
    out = {}
    for n in range(1, order + 1):
        for gram, c in counts[n].items():
            if n >= 3 and c < min_count:
                continue
            bow = types[gram] / (totals[gram] + types[gram]) if types[gram] else 1.0
            out[gram] = (round(math.log10(probs[gram]), 4), round(math.log10(bow), 4))
    return out


def add_boundary_histories(lm: dict[tuple, tuple[float, float]], starts: Iterable[tuple]) -> None:
    """Give the start token(s) an entry so that their backoff weight is stored."""
    for gram in starts:
        lm.setdefault(gram, (_arabizi.UNK_LOGP, 0.0))


def char_lm(words: Counter[str], order: int, min_count: int) -> dict:
    """A character LM over "^word$" strings, keys stored as plain strings."""
    lm = train_lm(((("^", *w, "$"), c) for w, c in words.items()), order, min_count)
    add_boundary_histories(lm, [("^",)])
    return {"order": order, "probs": {"".join(k): v for k, v in lm.items()}}


# ---------------------------------------------------------------- model


def graphone_model(
    pairs: Counter[tuple[str, str]], prob: dict, order: int
) -> tuple[list[str], dict]:
    """Vocabulary and n-gram LM over the Viterbi chunk alignments.

    Word-initial chunks are distinct tokens (``^a=أ``): backing off to a shorter history
    would otherwise forget the word start. Rare chunk pairs (alignment noise) are dropped.
    """
    aligned: list[tuple[list[str], int]] = []
    for (lat, ar), weight in pairs.items():
        chunks = viterbi(lat, ar, prob)
        if chunks is not None:
            tokens = [f"{a}{SEP}{b}" for a, b in chunks]
            aligned.append(([INITIAL + tokens[0], *tokens[1:]], weight))
    freq: Counter[str] = Counter()
    for tokens, weight in aligned:
        for token in tokens:
            freq[token] += weight
    latin: Counter[str] = Counter()
    for token, count in freq.items():
        latin[token.partition(SEP)[0]] += count
    keep = sorted(t for t, c in freq.items()
                  if c >= MIN_GRAPHONE_COUNT and c >= MIN_GRAPHONE_SHARE * latin[t.partition(SEP)[0]])
    vocab = [BOW, EOW, *keep]
    index = {t: i for i, t in enumerate(vocab)}
    seqs = [
        ((0, *(index[t] for t in tokens), 1), weight)
        for tokens, weight in aligned
        if all(t in index for t in tokens)
    ]
    lm = train_lm(seqs, order, min_count=2)
    add_boundary_histories(lm, [(0,)])
    return vocab, {" ".join(map(str, k)): v for k, v in lm.items()}


def french_words() -> Counter[str]:
    """French word forms from spaCy's French tokenizer exceptions and stop words (+ unaccented)."""
    from spacy.lang.fr._tokenizer_exceptions_list import FR_BASE_EXCEPTIONS
    from spacy.lang.fr.stop_words import STOP_WORDS

    words: Counter[str] = Counter()
    for entry in [*FR_BASE_EXCEPTIONS, *STOP_WORDS]:
        for word in re.split(r"[-'’\s.,()]+", entry.lower()):
            if word.isalpha() and len(word) > 1:
                plain = "".join(
                    c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
                )
                words[word] += 1
                words[plain] += 1
    return words


def latin_and_arabic(pairs: Counter[tuple[str, str]]) -> tuple[Counter[str], Counter[str]]:
    latin: Counter[str] = Counter()
    arabic: Counter[str] = Counter()
    for (lat, ar), weight in pairs.items():
        arabic[ar] += weight
        if lat.isalpha():
            latin[lat.lower()] += weight
    return latin, arabic


def assemble(pairs: Counter[tuple[str, str]], prob: dict, params: dict, lms: dict) -> dict:
    """The full model dict, ready for json; ``lms`` holds the character LMs."""
    vocab, graphone_lm = graphone_model(pairs, prob, params["graphone_order"])
    return {
        "format": 1,
        "about": "arapol Arabizi->Arabic model: pruned n-gram statistics trained on DODa "
        "(CC BY-NC 4.0) by scripts/train_arabizi.py; French LM from spaCy word lists.",
        "params": params,
        "graphone_vocab": vocab,
        "graphone_lm": {"order": params["graphone_order"], "probs": graphone_lm},
        **lms,
    }


def build(pairs: Counter[tuple[str, str]], params: dict, iterations: int) -> dict:
    t0 = time.time()
    prob = em_align(pairs, iterations)
    print(f"  EM alignment: {len(prob)} chunk pairs, {time.time() - t0:.0f}s")
    return assemble(pairs, prob, params, char_lms(pairs, params))


def char_lms(pairs: Counter[tuple[str, str]], params: dict) -> dict:
    latin, arabic = latin_and_arabic(pairs)
    return {
        "arabic_lm": char_lm(arabic, params["arabic_order"], 2),
        "french_lm": char_lm(french_words(), 4, 2),
        "arabizi_lm": char_lm(latin, 4, 2),
    }


def write(model: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(model, f, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- tuning


def cer(pairs: Sequence[tuple[str, str]]) -> float:
    """Character error rate of arapol on (latin, arabic) pairs, after fold_for_cer."""
    from arapol.text.translit import arabizi_to_arabic

    errors = chars = 0
    for latin, arabic in pairs:
        ref = fold_for_cer(arabic)
        errors += editdistance.eval(fold_for_cer(arabizi_to_arabic(latin)), ref)
        chars += len(ref)
    return errors / max(chars, 1)


def use_model(model: dict, path: Path) -> None:
    write(model, path)
    for cached in (_arabizi.load_model, _arabizi.decode_word, _arabizi.is_foreign,
                   _arabizi._graphone_cost, _arabizi._arabic_cost):
        cached.cache_clear()
    _arabizi.MODEL_PATH = path


def tune(doda: Path, iterations: int, scratch: Path) -> None:
    """Train on train-minus-dev, print dev CER (ongoing file) for a small grid."""
    sentences = sentence_pairs(doda)
    train = [(lat, ar) for lat, ar, _ in sentences if not heldout(lat) and not is_dev(lat)]
    dev = [(lat, ar) for lat, ar, name in sentences
           if is_dev(lat) and name == SENTENCE_FILES[0]][:2000]
    pairs = word_pairs(train)
    prob = em_align(pairs, iterations)
    lms = char_lms(pairs, PARAMS)
    for order in (3, 4):
        base = assemble(pairs, prob, {**PARAMS, "graphone_order": order}, lms)
        for weight, beam in itertools.product((0.0, 0.1, 0.3), (2, 3, 4)):
            params = {**PARAMS, "graphone_order": order, "arabic_weight": weight, "beam": beam}
            use_model({**base, "params": params}, scratch / "model.json.gz")
            print(f"order={order} arabic_weight={weight} beam={beam}: dev CER {cer(dev):.4f}",
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doda", type=Path, default=DODA)
    parser.add_argument("--out", type=Path, default=_arabizi.MODEL_PATH)
    parser.add_argument("--iterations", type=int, default=5, help="EM iterations")
    parser.add_argument("--tune", action="store_true", help="print dev CER for a grid")
    parser.add_argument("--lexicon", action="store_true",
                        help="also train on the lexicon word pairs (off: it raised dev CER)")
    parser.add_argument("--scratch", type=Path, default=Path("work/arabizi"))
    args = parser.parse_args()
    if args.tune:
        tune(args.doda, args.iterations, args.scratch)
        return
    sentences = sentence_pairs(args.doda)
    held = {lat for lat, _, _ in sentences if heldout(lat)}
    train = [(lat, ar) for lat, ar, _ in sentences if not heldout(lat)]
    pairs = word_pairs(train)
    if args.lexicon:
        pairs.update(word_pairs(lexicon_pairs(args.doda, held)))
    print(f"{len(train)} training sentence pairs, {len(held)} held out; "
          f"{len(pairs)} distinct word pairs")
    model = build(pairs, PARAMS, args.iterations)
    write(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
