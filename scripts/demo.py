"""arapol demo (``make demo``) on the example posts in ``corpora/examples/posts.jsonl``.

With a bundled model (``models/arapol-base/``) it runs ``arapol label`` and prints the labels.
Without one it shows the text layer: normalization, tokens, script/language detection,
political actors, and transliteration of Arabizi and Tifinagh posts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "corpora" / "examples" / "posts.jsonl"
MODEL = ROOT / "models" / "arapol-base"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def label_table(console: Console) -> None:
    """Run ``arapol label`` with the bundled model and print its labels."""
    result = subprocess.run([sys.executable, "-c", "from arapol.cli import main; main()", "label", str(EXAMPLES), "--model", str(MODEL)],
                            capture_output=True, text=True, check=True)
    table = Table(title=f"arapol label {EXAMPLES.relative_to(ROOT)} (model {MODEL.relative_to(ROOT)})")
    for column in ("id", "post", "stance → target", "slogan", "attack → targets", "actors", "lang"):
        table.add_column(column)
    for line in result.stdout.splitlines():
        row = json.loads(line)
        if row["error"]:
            table.add_row(row["id"], _short(row.get("text") or ""), f"error: {row['error']}", "", "", "", "")
            continue
        attack = f"{row['attack_score']:.2f}" + (f" → {', '.join(row['attack_targets'])}" if row["attack"] else "")
        table.add_row(row["id"], _short(row["text"]),
                      f"{row['stance']} → {row['stance_target'] or '-'} ({row['stance_score']:.2f})",
                      f"{'yes' if row['slogan'] else 'no'} ({row['slogan_score']:.2f})", attack,
                      ", ".join(row["actors"]), f"{row['script']}/{row['lang']}")
    console.print(table)
    console.print(result.stderr.strip(), style="dim")


def text_layer_table(console: Console) -> None:
    """Normalize, tokenize, detect, find actors, transliterate: no model needed."""
    from arapol.actors import find_actors
    from arapol.text.detect import detect
    from arapol.text.normalize import normalize
    from arapol.text.tokenize import tokenize
    from arapol.text.translit import transliterate

    table = Table(title=f"arapol text layer on {EXAMPLES.relative_to(ROOT)}")
    for column in ("id", "kind", "script/lang", "actors", "tokens", "normalized (model) / transliterated"):
        table.add_column(column)
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines():
        post = json.loads(line)
        text = post["text"]
        detection = detect(text)
        shown = normalize(text, "model")
        if detection.script == "latin" and detection.lang == "darija":
            shown = "→ " + transliterate(text, "arabizi", "arabic")
        elif detection.script == "tifinagh":
            shown = "→ " + transliterate(text, "tifinagh", "latin")
        actors = ", ".join(f"{m.actor} ({m.surface})" for m in find_actors(text))
        table.add_row(post["id"], post["kind"], f"{detection.script}/{detection.lang}", actors,
                      str(len(tokenize(text))), _short(shown))
    console.print(table)


def main() -> None:
    console = Console(width=max(Console().width, 160))
    if (MODEL / "config.json").is_file():
        label_table(console)
    else:
        console.print(f"No trained model is bundled with arapol yet ({MODEL.relative_to(ROOT)}/ is missing): "
                      "showing the text layer only. Label posts with a model of your own via "
                      "`arapol label FILE --model PATH_OR_REPO_ID`.", style="bold yellow")
        text_layer_table(console)


if __name__ == "__main__":
    main()
