"""Models with RANDOM weights, for tests and benchmarks only (their labels mean nothing).

Each is saved exactly like a trained model, with ``"trained": false`` in its config, so that
nothing can mistake it for a real one.

>>> import tempfile
>>> path = make_random_model(tempfile.mkdtemp())
>>> sorted(p.name for p in path.iterdir())
['config.json', 'manifest.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import torch

from arapol.modeling.config import ArapolConfig
from arapol.modeling.model import ArapolModel, save_model
from arapol.modeling.tokenizer import train_tokenizer
from arapol.text.normalize import normalize

__all__ = ["SIZES", "make_random_model"]

# encoder sizes: "tiny" for tests, "small" for the size arapol's own encoder aims at
SIZES: dict[str, dict[str, int]] = {
    "tiny": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64},
    "small": {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 768},
}

# a handful of made-up posts covering the scripts arapol meets, to train a toy tokenizer
SENTENCES = [
    "الحكومة ما دارت والو للشباب هاد العام",
    "صوتوا على المرشحين ديالكم يوم الانتخابات",
    "أعلنت الحكومة اليوم عن برنامج جديد لدعم التشغيل",
    "3lach l7koma ma katsm3ch l chi 7ed",
    "ghadi nsawet 3la lmisbah inchallah",
    "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ ⴰⵎⵓⵙⵙⵓ ⴰⵎⴰⵣⵉⵖ",
    "azul fellawen, tamazight d tutlayt tunṣibt",
    "la politique au Maroc c'est compliqué, franchement",
    "#تعاقد_من_أجل_الكرامة شوفو هاد الفيديو https://example.ma/v @someone",
    "البرلمان صادق على مشروع قانون المالية 😡👍",
    "الأحزاب كلها بحال بحال، ما كاين لا تغيير لا والو",
    "bravo 3la had lkhedma, lah ykhlik",
]


def make_random_model(
    directory: str | Path,
    *,
    size: str = "tiny",
    texts: Iterable[str] | None = None,
    vocab_size: int = 400,
    max_length: int = 64,
    seed: int = 0,
) -> Path:
    """Save a randomly initialised model of ``size`` (see SIZES) into ``directory``.

    The tokenizer is trained on ``texts`` (default: a dozen made-up posts), normalized the
    way the pipeline normalizes. ``seed`` fixes the weights; the toy tokenizer's vocabulary
    order may differ between runs (``tokenizers`` breaks ties arbitrarily).
    """
    from transformers import BertConfig

    corpus = [normalize(t, "model") for t in (texts if texts is not None else SENTENCES * 4)]
    tokenizer = train_tokenizer(corpus, vocab_size=vocab_size, min_frequency=1)
    encoder_config = BertConfig(vocab_size=len(tokenizer), max_position_embeddings=max_length,
                                pad_token_id=tokenizer.pad_token_id, **SIZES[size])
    config = ArapolConfig(
        max_length=max_length,
        head_hidden=max(32, SIZES[size]["hidden_size"]),
        description=f"RANDOM WEIGHTS ({size}, seed {seed}): for tests and benchmarks only; "
                    "its labels mean nothing.",
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = ArapolModel(encoder_config, config)
    return save_model(model, tokenizer, directory)


def bert_base_classifier(tokenizer_file: str | Path, threads: int,
                         dtype: Literal["float32", "bfloat16"] = "float32") -> Any:
    """A ``transformers`` text-classification pipeline with BERT-base sizes and random weights.

    The reference the benchmarks compare arapol against (speed only: its labels mean nothing);
    ``dtype``: ``float32`` (the pipeline's default) or ``bfloat16``.
    """
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        PreTrainedTokenizerFast,
        pipeline,
    )

    if dtype not in ("float32", "bfloat16"):
        raise ValueError(f"dtype {dtype!r}: float32 or bfloat16")
    torch.set_num_threads(threads)
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(tokenizer_file), pad_token="[PAD]",
                                        unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]")
    torch.manual_seed(0)
    model = BertForSequenceClassification(BertConfig(num_labels=3)).eval().to(getattr(torch, dtype))
    return pipeline("text-classification", model=model, tokenizer=tokenizer, device=-1)
