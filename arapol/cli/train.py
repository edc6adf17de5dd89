"""``arapol train`` and ``arapol evaluate``.

    arapol train --base-model models/arapol-encoder --data arapol-pol --task multi --output work/m
    arapol train --base-model models/arapol-encoder --data omcd_train.csv --task text-classification \\
        --label-column label --dev-data omcd_dev.csv --output work/omcd
    arapol train ... --output work/m --resume          # continue from work/m/checkpoint
    arapol evaluate work/m --data arapol-pol --split test --origin real --out work/m/eval
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arapol.cli import app

TASK_HELP = "multi (stance+slogan+attack), stance, slogan, attack, or text-classification (any labelled table)."


@app.command()
def train(
    base_model: Annotated[str, typer.Option(help="Encoder: a Hugging Face model directory or Hub id (safetensors only).")],
    data: Annotated[str, typer.Option(help="'arapol-pol', a CSV / JSONL / Parquet file (split column optional) or a datasets save_to_disk folder.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write.")],
    task: Annotated[str, typer.Option(help=TASK_HELP)] = "multi",
    seed: Annotated[int, typer.Option(help="Random seed (weights of the heads, batches, dropout).")] = 42,
    epochs: Annotated[int, typer.Option(help="At most this many epochs.")] = 8,
    patience: Annotated[int, typer.Option(help="Stop after this many epochs without dev improvement.")] = 2,
    batch_size: Annotated[int, typer.Option(help="Training batch size.")] = 32,
    lr: Annotated[float, typer.Option(help="Peak learning rate of the encoder.")] = 1e-4,
    head_lr: Annotated[float, typer.Option(help="Peak learning rate of the new heads.")] = 1e-3,
    max_length: Annotated[int, typer.Option(help="Tokens per post (truncation).")] = 64,
    text_column: Annotated[str, typer.Option(help="Text column of a table.")] = "text",
    label_column: Annotated[str, typer.Option(help="Label column (text-classification).")] = "label",
    pair_column: Annotated[str | None, typer.Option(help="Optional second segment, e.g. a stance target.")] = None,
    dev_data: Annotated[str | None, typer.Option(help="Dev file (default: the data's dev split, else 10% of train by hash).")] = None,
    dev_origin: Annotated[str | None, typer.Option(help="Corpus dev posts of this origin only ('' for all).")] = "real",
    aux_against_weight: Annotated[float, typer.Option(help="Stance loss weight of 'against' toward other attacked actors.")] = 0.3,
    aux_none_weight: Annotated[float, typer.Option(help="Stance loss weight of 'none' toward each actor a post does not name.")] = 0.02,
    wide: Annotated[bool, typer.Option(help="Multi-task: add hashed character n-gram heads where they help on dev.")] = True,
    wide_auxiliary: Annotated[list[Path] | None, typer.Option(help="Table (text, 0/1 label) of a related task whose logits feed the wide heads (repeatable).")] = None,
    threads: Annotated[int | None, typer.Option(help="torch threads.")] = None,
    resume: Annotated[bool, typer.Option(help="Continue from OUTPUT/checkpoint.")] = False,
    checkpoint_every: Annotated[int, typer.Option(help="Also checkpoint every N steps (0: each epoch).")] = 0,
    max_steps: Annotated[int | None, typer.Option(help="Stop after N optimizer steps (smoke runs).")] = None,
    description: Annotated[str, typer.Option(help="Free text stored in the model config.")] = "",
) -> None:
    """Fine-tune an encoder on arapol-pol (multi-task) or on any labelled table."""
    from arapol.modeling.data import DataError
    from arapol.modeling.train import TrainArgs, TrainError
    from arapol.modeling.train import train as run

    args = TrainArgs(
        base_model=base_model, data=data, output=output, task=task, seed=seed, epochs=epochs,
        patience=patience, batch_size=batch_size, lr=lr, head_lr=head_lr, max_length=max_length,
        text_column=text_column, label_column=label_column, pair_column=pair_column, dev_data=dev_data,
        dev_origin=dev_origin or None, aux_against_weight=aux_against_weight,
        aux_none_weight=aux_none_weight, wide=wide, wide_auxiliary=[str(p) for p in wide_auxiliary or []], threads=threads, resume=resume, checkpoint_every=checkpoint_every,
        max_steps=max_steps, description=description,
    )
    try:
        result = run(args, log=lambda line: typer.echo(line, err=True))
    except (TrainError, DataError, FileNotFoundError, OSError) as e:
        typer.echo(f"arapol train: {e}", err=True)
        raise typer.Exit(1) from None
    dev = ", ".join(f"{k} {v:.4f}" for k, v in result.dev.items())
    typer.echo(f"arapol train: {result.output} ({result.task}, {result.n_train:,} train / {result.n_dev:,} dev, "
               f"{result.steps:,} steps, best epoch {result.best_epoch}, {result.seconds / 60:.1f} min); "
               f"dev after calibration: {dev}")


@app.command()
def evaluate(
    model: Annotated[Path, typer.Argument(help="Model directory (arapol model or text classifier).")],
    data: Annotated[str, typer.Option(help="'arapol-pol' or a CSV / JSONL / Parquet file.")] = "arapol-pol",
    split: Annotated[str, typer.Option(help="train, dev, test or all (tables without a split column: train = all rows).")] = "test",
    origin: Annotated[str | None, typer.Option(help="Corpus posts of this origin only: real or authored.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the JSON report and PNG (default: ./arapol-eval/MODEL_NAME).")] = None,
    text_column: Annotated[str, typer.Option(help="Text column (text classifiers).")] = "text",
    label_column: Annotated[str, typer.Option(help="Label column (text classifiers).")] = "label",
    pair_column: Annotated[str | None, typer.Option(help="Second segment column (text classifiers).")] = None,
    batch_size: Annotated[int, typer.Option(help="Posts per forward pass.")] = 64,
) -> None:
    """Per-label precision / recall / F1 and macro-F1; a JSON report and a confusion-matrix PNG."""
    from arapol.modeling.data import DataError
    from arapol.modeling.evaluate import evaluate_model, print_report, write_report
    from arapol.modeling.model import ModelFileError

    try:
        report = evaluate_model(model, data, split, origin, text_column=text_column, label_column=label_column,
                                pair_column=pair_column, batch_size=batch_size)
    except (DataError, ModelFileError, ValueError, FileNotFoundError) as e:
        typer.echo(f"arapol evaluate: {e}", err=True)
        raise typer.Exit(1) from None
    print_report(report, typer.echo)
    json_path, png = write_report(report, out or Path("arapol-eval") / model.name, stem=f"eval_{split}" + (f"_{origin}" if origin else ""))
    typer.echo(f"wrote {json_path} and {png}")
