"""arapol's multi-task model (imports torch; the text layer never imports this package).

- ``arapol.modeling.config``: ``ArapolConfig``, the ``"arapol"`` section of ``config.json``
- ``arapol.modeling.model``: ``ArapolModel``, ``save_model``, ``load_model`` (manifest-checked)
- ``arapol.modeling.tokenizer``: ``train_tokenizer`` (WordPiece)
- ``arapol.modeling.tiny``: ``make_random_model``, RANDOM-weight models for tests and benchmarks
- ``data``, ``train``, ``evaluate``, ``metrics``, ``baseline``: training and evaluation
"""
