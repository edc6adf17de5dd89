"""The text layer: normalization, tokenization, transliteration, detection.

No module here imports torch or transformers.
"""
