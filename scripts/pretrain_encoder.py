"""Pretrain arapol's small Darija/Arabic/Amazigh encoder with masked language modelling, on CPU.

Resumable: run it again with the same --work dir and it continues from the last checkpoint.

    python scripts/pretrain_encoder.py --data ../shared/data --work work/pretrain \\
        --max-minutes 60 --export models/arapol-encoder

Steps: (1) gather every text column of the shared data sets, normalized with
``normalize(preset="model")``, minus held-out texts (see ``held_out_hashes``); (2) train a
WordPiece tokenizer; (3) MLM-train a BERT encoder; (4) export in Hugging Face format
(``config.json``, ``model.safetensors``, ``tokenizer.json``), loadable with
``AutoModel.from_pretrained``. Checkpoints hold weights and optimizer state in safetensors.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from arapol.corpora.records import sha256

# (relative path, text columns): every text the shared data offers, whatever its labels
CSV_SOURCES: list[tuple[str, list[str]]] = [
    ("elecmorocco2016/elecmorocco2016.csv", ["text"]),
    ("msac/msac.csv", ["text"]),
    ("mac/mac_corpus.csv", ["text"]),
    ("myc/myc_cleaned.csv", ["text"]),
    ("omcd/omcd_train.csv", ["text"]),
    ("l_hsab/l_hsab.csv", ["text"]),
    ("t_hsab/t_hsab.csv", ["text"]),
    ("osact2022/osact2022_train.csv", ["text"]),
    ("osact2022/osact2022_dev.csv", ["text"]),
    ("otam/otam.csv", ["text"]),
    ("mawqif/mawqif_train.csv", ["text"]),
    ("ans_stance/ans_stance_train.csv", ["s1", "text"]),
    ("ans_stance/ans_claim_train.csv", ["text"]),
    ("qadi_test/qadi_test.csv", ["text"]),
    ("darija_lid_val/darija_lid_val.csv", ["text"]),
    ("doda/sentences_ongoing.csv", ["darija", "darija_ar"]),
    ("doda/sentences_translated.csv", ["darija", "darija_ar"]),
    ("darija_translit_silver/raw_reels_comments.csv", ["text"]),
    ("darija_translit_silver/sentence_pairs.csv", ["arabizi", "arabic"]),
    ("tunizi/tunizi.csv", ["text"]),
    ("tamazight_en_dict2007/tamazight_english.csv", ["ZGH_source"]),
]
JSONL_SOURCES: list[tuple[str, list[str]]] = [
    ("armpro/armpro_dev.jsonl", ["text"]),
    ("narabizi/narabizi.jsonl", ["text", "arabic", "trad_fr"]),
    ("oldi_seed/seed_eng_ary_zgh.jsonl", ["ary_Arab", "zgh_Tfng"]),
    ("marsum_test/marsum_test.jsonl", ["text"]),
]
# evaluation sets never seen in pretraining: omcd_test, mawqif_test, ans_*_test, armpro_test,
# and every post of the arapol-pol corpus (all its splits, by hash)
CHUNK_WORDS = 48


def held_out_hashes(repo: Path) -> set[str]:
    """sha256 of every corpus post (candidates, annotations, final standoff files)."""
    hashes: set[str] = set()
    for pattern in ("work/annotate/batch_*.jsonl", "corpora/annotations/**/*.jsonl", "corpora/arapol-pol/*.jsonl"):
        for path in repo.glob(pattern):
            for line in path.read_text("utf-8").splitlines():
                rec = json.loads(line)
                if rec.get("sha256"):
                    hashes.add(rec["sha256"])
                if rec.get("text"):
                    hashes.add(sha256(rec["text"]))
    return hashes


def raw_texts(data: Path) -> Iterator[str]:
    for rel, columns in CSV_SOURCES:
        if (data / rel).exists():
            frame = pd.read_csv(data / rel, dtype=str, keep_default_na=False, usecols=columns)
            for column in columns:
                yield from frame[column]
    for rel, columns in JSONL_SOURCES:
        if (data / rel).exists():
            with (data / rel).open(encoding="utf-8") as handle:
                for line in handle:
                    rec = json.loads(line)
                    for column in columns:
                        if isinstance(rec.get(column), str):
                            yield rec[column]


def chunks(text: str) -> Iterator[str]:
    words = text.split()
    for i in range(0, len(words), CHUNK_WORDS):
        yield " ".join(words[i : i + CHUNK_WORDS])


def gather(data: Path, repo: Path, out: Path) -> list[str]:
    from arapol.text.normalize import normalize

    if out.exists():
        return out.read_text("utf-8").splitlines()
    skip = held_out_hashes(repo)
    seen: set[str] = set()
    texts: list[str] = []
    for raw in raw_texts(data):
        if not raw.strip() or sha256(raw) in skip:
            continue
        for piece in chunks(normalize(re.sub(r"\s+", " ", raw), preset="model")):
            if len(piece) >= 3 and piece not in seen:
                seen.add(piece)
                texts.append(piece)
    random.Random(0).shuffle(texts)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(texts), "utf-8")
    return texts


def save_checkpoint(ckpt: Path, model, optimizer, state: dict) -> None:
    from safetensors.torch import save_file, save_model

    ckpt.mkdir(parents=True, exist_ok=True)
    save_model(model, str(ckpt / "model.tmp"))  # handles the tied embedding/decoder weights
    tensors, meta = {}, {}
    for i, st in optimizer.state_dict()["state"].items():
        for name, value in st.items():
            tensors[f"{i}.{name}"] = value.contiguous() if hasattr(value, "contiguous") else value
    save_file(tensors, ckpt / "optim.tmp")
    meta["param_groups"] = optimizer.state_dict()["param_groups"]
    (ckpt / "state.tmp").write_text(json.dumps({**state, "optim": meta}), "utf-8")
    for name in ("model", "optim", "state"):  # replace atomically, state last
        ext = "json" if name == "state" else "safetensors"
        (ckpt / f"{name}.tmp").replace(ckpt / f"{name}.{ext}")


def load_checkpoint(ckpt: Path, model, optimizer) -> dict:
    from safetensors.torch import load_file, load_model

    state = json.loads((ckpt / "state.json").read_text("utf-8"))
    load_model(model, str(ckpt / "model.safetensors"))
    flat = load_file(ckpt / "optim.safetensors")
    per_param: dict[int, dict] = {}
    for key, value in flat.items():
        i, name = key.split(".", 1)
        per_param.setdefault(int(i), {})[name] = value
    optimizer.load_state_dict({"state": per_param, "param_groups": state["optim"]["param_groups"]})
    return state


def epoch_batches(encoded: list[list[int]], size: int, seed: int) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding): sort within windows of 32 batches."""
    rng = random.Random(seed)
    order = rng.sample(range(len(encoded)), len(encoded))
    window = size * 32
    batches = []
    for w in range(0, len(order) - size + 1, window):
        chunk = sorted(order[w : w + window], key=lambda i: len(encoded[i]))
        batches += [chunk[b : b + size] for b in range(0, len(chunk) - size + 1, size)]
    rng.shuffle(batches)
    return batches


def masked_lm_loss(model, batch: dict):
    """MLM loss with the vocabulary projection computed only at masked positions."""
    import torch.nn.functional as F

    hidden = model.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])[0]
    picked = batch["labels"] != -100
    logits = model.cls(hidden[picked])
    return F.cross_entropy(logits, batch["labels"][picked])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path("work/pretrain"))
    parser.add_argument("--export", type=Path, default=None, help="write the HF-format encoder here")
    parser.add_argument("--vocab-size", type=int, default=16000)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--intermediate", type=int, default=768)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--max-steps", type=int, default=40000)
    parser.add_argument("--max-minutes", type=float, default=60.0, help="stop (with a checkpoint) after this long")
    parser.add_argument("--checkpoint-every", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bf16", action="store_true",
                        help="bfloat16 autocast (float32 weights and optimizer state)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--export-only", action="store_true", help="export the last checkpoint, no training")
    args = parser.parse_args()
    if args.export_only:
        args.max_minutes = 0

    import torch
    from transformers import (
        BertConfig,
        BertForMaskedLM,
        DataCollatorForLanguageModeling,
        PreTrainedTokenizerFast,
        get_linear_schedule_with_warmup,
    )

    from arapol.modeling.tokenizer import train_tokenizer

    torch.set_num_threads(args.threads)
    repo = Path(__file__).resolve().parent.parent
    texts = gather(args.data, repo, args.work / "texts.txt")
    tok_dir = args.work / "tokenizer"
    if (tok_dir / "tokenizer.json").exists():
        tokenizer = PreTrainedTokenizerFast.from_pretrained(tok_dir)
    else:
        tokenizer = train_tokenizer(texts, vocab_size=args.vocab_size)
        tokenizer.model_max_length = args.max_length
        tokenizer.save_pretrained(tok_dir)
    print(f"texts: {len(texts):,}  chars: {sum(map(len, texts)):,}  vocab: {len(tokenizer):,}", flush=True)

    config = BertConfig(vocab_size=len(tokenizer), hidden_size=args.hidden, num_hidden_layers=args.layers,
                        num_attention_heads=args.heads, intermediate_size=args.intermediate,
                        max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(args.seed)
    model = BertForMaskedLM(config)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    scheduler = get_linear_schedule_with_warmup(optimizer, args.warmup, args.max_steps)
    ckpt = args.work / "ckpt"
    state = {"step": 0, "seconds": 0.0, "loss_history": []}
    if (ckpt / "state.json").exists():
        state = load_checkpoint(ckpt, model, optimizer)
        for _ in range(state["step"]):
            scheduler.step()
        print(f"resumed at step {state['step']} ({state['seconds'] / 3600:.2f} h trained)", flush=True)

    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    encoded = [] if args.export_only else tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]
    model.train()
    per_epoch = len(epoch_batches(encoded, args.batch_size, args.seed)) if not args.export_only else 1
    start, running, batches, batches_epoch = time.time(), [], [], -1
    while state["step"] < args.max_steps and (time.time() - start) / 60 < args.max_minutes:
        step = state["step"]
        epoch, offset = divmod(step, per_epoch)
        if epoch != batches_epoch:
            batches, batches_epoch = epoch_batches(encoded, args.batch_size, args.seed + epoch), epoch
        torch.manual_seed(args.seed * 1_000_003 + step)  # masking is reproducible on resume
        batch = collator([{"input_ids": encoded[i]} for i in batches[offset]])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            loss = masked_lm_loss(model, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        running.append(loss.item())
        state["step"] += 1
        if state["step"] % 100 == 0:
            mean = sum(running) / len(running)
            running = []
            state["loss_history"].append([state["step"], round(mean, 4)])
            elapsed = state["seconds"] + time.time() - start
            print(f"step {state['step']}  loss {mean:.3f}  lr {scheduler.get_last_lr()[0]:.2e}  "
                  f"{elapsed / 3600:.2f} h", flush=True)
        if state["step"] % args.checkpoint_every == 0:
            save_checkpoint(ckpt, model, optimizer, {**state, "seconds": state["seconds"] + time.time() - start})
    state["seconds"] += time.time() - start
    if not args.export_only:
        save_checkpoint(ckpt, model, optimizer, state)
    print(f"stopped at step {state['step']} after {state['seconds'] / 3600:.2f} h of training", flush=True)
    if args.export:
        args.export.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(args.export)  # safetensors
        tokenizer.save_pretrained(args.export)
        (args.export / "pretraining.json").write_text(json.dumps({
            "steps": state["step"], "hours": round(state["seconds"] / 3600, 3), "texts": len(texts),
            "loss_history": state["loss_history"], "args": {k: str(v) for k, v in vars(args).items()},
        }, indent=1), "utf-8")
        print(f"exported to {args.export}", flush=True)


if __name__ == "__main__":
    main()
