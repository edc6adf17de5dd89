"""Push an arapol model directory to the Hugging Face Hub, with its model card.

    python scripts/publish_to_hub.py models/arapol-base arapol/arapol-base --card MODEL_CARD.md --dry-run
    python scripts/publish_to_hub.py models/arapol-base arapol/arapol-base --private

The manifest is verified first; only JSON, safetensors, txt and md files are uploaded, in
one commit. README.md is --card (the bundled model's is MODEL_CARD.md), else the directory's
own, else generated from the config. A model with
random weights (``"trained": false``) is refused unless --allow-untrained.
"""

from __future__ import annotations

import argparse
import sys

from arapol.hub import publish, upload_plan
from arapol.modeling.model import ModelFileError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir")
    parser.add_argument("repo_id")
    parser.add_argument("--dry-run", action="store_true", help="list what would be uploaded, upload nothing")
    parser.add_argument("--private", action="store_true")
    parser.add_argument("--revision", help="branch to commit to (default: main)")
    parser.add_argument("--message", default="Upload arapol model")
    parser.add_argument("--card", help="model card to upload as README.md (e.g. MODEL_CARD.md)")
    parser.add_argument("--allow-untrained", action="store_true", help="for test repos only")
    args = parser.parse_args(argv)
    try:
        plan = upload_plan(args.model_dir, args.repo_id, args.card)
    except (ModelFileError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    width = max(len(f.path_in_repo) for f in plan) + len(" (generated)")
    for f in plan:
        name = f.path_in_repo + (" (generated)" if isinstance(f.source, bytes) else "")
        print(f"{name:<{width}} {f.size:>12,} B  sha256 {f.sha256}")
    print(f"{len(plan)} files, {sum(f.size for f in plan):,} bytes -> {args.repo_id}")
    if args.dry_run:
        print("dry run: nothing uploaded")
        return 0
    try:
        url = publish(args.model_dir, args.repo_id, private=args.private, revision=args.revision,
                      message=args.message, allow_untrained=args.allow_untrained, card=args.card)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"uploaded: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
