"""Subword tokenizer for arapol encoders (WordPiece via ``tokenizers``).

Trained on text already normalized with ``normalize(text, preset="model")``, so it sees
Arabic script, Arabizi, Tifinagh and the placeholders ``<url> <user> <email>``.

>>> tok = train_tokenizer(["واش غادي تصوت", "l7koma dyal <url>"] * 50, vocab_size=200)
>>> "<url>" in tok.tokenize("شوف <url>")
True
"""

from __future__ import annotations

from collections.abc import Iterable

from transformers import PreTrainedTokenizerFast

__all__ = ["PLACEHOLDER_TOKENS", "SPECIAL_TOKENS", "train_tokenizer"]

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PLACEHOLDER_TOKENS = ["<url>", "<user>", "<email>"]


def train_tokenizer(texts: Iterable[str], vocab_size: int = 16000, min_frequency: int = 2) -> PreTrainedTokenizerFast:
    """Train a WordPiece tokenizer (BERT pre-tokenization, no lower-casing: input is normalized)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=50))
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS + PLACEHOLDER_TOKENS,
        limit_alphabet=1000,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", additional_special_tokens=PLACEHOLDER_TOKENS,
    )
    return fast
