"""The pretrained encoder shipped in models/arapol-encoder loads the Hugging Face way."""

from pathlib import Path

import pytest

ENCODER = Path(__file__).resolve().parents[2] / "models" / "arapol-encoder"


@pytest.mark.skipif(not ENCODER.is_dir(), reason="no bundled encoder")
def test_bundled_encoder_loads_with_automodel():
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(ENCODER, use_safetensors=True)
    tok = AutoTokenizer.from_pretrained(ENCODER)
    batch = tok(["l7koma dyal akhannouch <url>", "ⴰⵣⵓⵍ الحكومة"], padding=True, return_tensors="pt")
    with torch.inference_mode():
        states = model(**batch).last_hidden_state
    assert states.shape[:2] == batch["input_ids"].shape
    assert "<url>" in tok.tokenize("شوف <url>")
    assert not any(p.suffix in {".bin", ".pt", ".pkl"} for p in ENCODER.iterdir())
