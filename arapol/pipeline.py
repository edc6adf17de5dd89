"""Load a model and label posts: ``nlp = arapol.load(); nlp("...")``.

>>> import tempfile, warnings
>>> from arapol.modeling.tiny import make_random_model
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     nlp = load(make_random_model(tempfile.mkdtemp()))
>>> a = nlp("صوتوا على الحمامة", target="RNI")
>>> a.stance.target, a.stance.label in ("favor", "against", "none"), a.error
('RNI', True, None)
>>> nlp(None).error
'text is missing (None)'

Each post goes preprocess -> forward -> postprocess:

- preprocess (Python, per post): ``normalize(text, "model")`` for the model, ``tokenize``,
  ``detect`` and ``find_actors`` on the text as written. The stance target is the one given,
  else the post's main actor (``main_actor``). A post that names no actor and gets no target
  has stance ``none`` toward ``None`` with score 1.0 and empty ``scores``: by the label
  scheme, a post that evaluates no actor is ``none``; the model is not asked.
- forward (batched, in a worker thread so that it overlaps with the preprocessing of the
  next window of ``batch_size * WINDOW_BATCHES`` posts): identical model texts within a
  window are encoded once; posts are sorted by token length into batches (little
  padding); ``torch.inference_mode``. The stance head scores every actor in the same pass.
- postprocess: temperature-calibrated probabilities rounded to 4 decimals, labels from
  the config thresholds (a score equal to the threshold is positive). An attack always
  names at least one actor: the stance target (given, else the main actor); for a post with
  neither, the actors above the ``attack_targets`` threshold, else the top one. (On real dev
  posts the stance target names the attacked actor far better than the head: micro-F1 0.89
  against 0.53, ``scripts/train_models.py eval``.)

Bad input (None, NaN, not a string, empty, unknown target) gives an Analysis with ``error``
set and no labels; it never raises. Outputs are deterministic: the same posts in the same
order give the same results; scores of a post batched with different posts agree to the
4th decimal (float sums over padded batches differ in the last bits).

``load(..., precision="int8")`` (CLI: ``--precision int8``) runs the linear layers in int8
(dynamic quantization, CPU): about twice the speed; scores move by up to about 0.01 and depend
slightly on the other posts of a batch (activations are scaled per batch), so a label within
that distance of its threshold can differ from the float32 run. ``precision="bfloat16"`` runs
the network in bfloat16: the fastest on CPUs with AMX (Intel Xeon since Sapphire Rapids) and on
GPUs, with scores within about 0.01 of float32 (``scripts/train_models.py eval`` measures both);
on a CPU without bfloat16 instructions it is slow. float32 is the default and the reference.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np
import torch

from arapol.labels import Analysis, AttackResult, SloganResult, Stance, StanceResult
from arapol.modeling.data import CHARS_PER_TOKEN
from arapol.modeling.evaluate import padded_batches
from arapol.modeling.model import WEIGHTS_FILE, LoadedModel, Precision, check_precision, load_model
from arapol.preprocess import Preprocessor, Window, init_worker, worker_window

__all__ = ["DEFAULT_MODEL_DIR", "Pipeline", "UntrainedModelWarning", "default_threads", "load", "resolve_model"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "arapol-base"
MODEL_ENV = "ARAPOL_MODEL"  # path or Hub repo id used when no model is named
DEFAULT_BATCH_SIZE = 64
WINDOW_BATCHES = 16  # posts sorted by length together: batch_size * WINDOW_BATCHES
DECIMALS = 4


class UntrainedModelWarning(UserWarning):
    """The model has random weights: its labels mean nothing."""


def resolve_model(name_or_path: str | Path | None = None, revision: str | None = None,
                  cache_dir: str | Path | None = None) -> Path:
    """Model directory for the default (None: ``$ARAPOL_MODEL``, else the bundled
    ``models/arapol-base``), a local path or a Hub repo id.

    >>> resolve_model("no/such/dir/here")
    Traceback (most recent call last):
    ...
    FileNotFoundError: model directory no/such/dir/here does not exist
    """
    if name_or_path is None and os.environ.get(MODEL_ENV):
        name_or_path = os.environ[MODEL_ENV]
    if name_or_path is None:
        if not (DEFAULT_MODEL_DIR / "config.json").is_file():
            raise FileNotFoundError(
                f"no default model is bundled with this arapol installation ({DEFAULT_MODEL_DIR} is missing; "
                "a source checkout ships models/arapol-base). Pass a model directory or a Hugging Face Hub "
                "repo id: arapol.load('path/to/model'), `arapol label --model PATH_OR_REPO_ID`, "
                f"or set {MODEL_ENV}.")
        return DEFAULT_MODEL_DIR
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    from arapol.hub import HubError, download_model, is_repo_id

    if not (isinstance(name_or_path, str) and is_repo_id(name_or_path)):
        raise FileNotFoundError(f"model directory {name_or_path} does not exist")
    try:
        return download_model(name_or_path, revision=revision, cache_dir=cache_dir)
    except HubError as e:
        raise HubError(f"{e}; nor is there a local directory {name_or_path!r}") from e


def default_threads() -> int:
    """torch threads: one less than the usable cores (that core preprocesses), at least 1.

    >>> default_threads() >= 1
    True
    """
    return max(1, len(os.sched_getaffinity(0)) - 1)


def load(name_or_path: str | Path | None = None, revision: str | None = None,
         device: str | None = None, *, cache_dir: str | Path | None = None,
         threads: int | None = None, precision: Precision = "float32") -> Pipeline:
    """Load a pipeline: bundled default, local model directory or Hub repo id.

    ``threads`` sets ``torch.set_num_threads`` (process-wide); default: :func:`default_threads`.
    ``precision``: ``float32``, ``bfloat16`` or ``int8`` (CPU); see the module doc.
    """
    check_precision(precision)  # before any Hub download
    directory = resolve_model(name_or_path, revision=revision, cache_dir=cache_dir)
    torch.set_num_threads(threads or default_threads())
    device = device or ("cuda" if torch.cuda.is_available() and precision != "int8" else "cpu")
    loaded = load_model(directory, device=device, precision=precision)
    if not loaded.config.trained:
        warnings.warn(f"{directory} has RANDOM weights (trained: false); its labels mean nothing",
                      UntrainedModelWarning, stacklevel=2)
    return Pipeline(loaded, device)


class Pipeline:
    """Callable labeller; see the module docstring. Build it with :func:`load`."""

    def __init__(self, loaded: LoadedModel, device: str = "cpu") -> None:
        self.loaded = loaded
        self.config = loaded.config
        self.device = device
        self._actor_index = {a: i for i, a in enumerate(self.config.actors)}
        wide = loaded.model.wide.linear() if loaded.model.wide is not None else None
        self.pre = Preprocessor(self.config.normalize_preset, list(self.config.actors),
                                self.config.max_length * CHARS_PER_TOKEN, wide)
        self._check_text_layer()

    def __repr__(self) -> str:
        precision = "" if self.loaded.precision == "float32" else f", {self.loaded.precision}"
        return f"Pipeline({str(self.loaded.directory)!r}, trained={self.config.trained}{precision})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pickled as (directory, device, weights sha256): cheap for datasets.map(num_proc=...)
        # and multiprocessing, and the hash makes datasets' cache key follow the weights
        weights = self.loaded.files[WEIGHTS_FILE]["sha256"]
        return _reload, (str(self.loaded.directory), self.device, weights, self.loaded.precision)

    def _check_text_layer(self) -> None:
        """Fail at load time, not on every post, when the text layer is broken (missing data)."""
        analysis, _ = self.pre.prepare("الحكومة l7koma ⴰⵣⵓⵍ", None)
        if analysis.error is not None:
            raise RuntimeError(f"arapol's text layer does not work here: {analysis.error}")

    @property
    def trained(self) -> bool:
        """False for a model with random weights."""
        return self.config.trained

    def __call__(self, texts: Any, target: str | None = None, targets: Sequence[Any] | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> Analysis | list[Analysis]:
        """One post -> Analysis; a list (or any iterable) of posts -> list of Analysis.

        ``target`` applies to every post; ``targets`` gives one per post (None: main actor).
        """
        if isinstance(texts, str | bytes) or not isinstance(texts, Iterable):
            return next(self.pipe([texts], [target], batch_size=batch_size))
        texts = list(texts)
        if targets is None:
            targets = [target] * len(texts)
        elif len(targets) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(targets)} targets")
        return list(self.pipe(texts, targets, batch_size=batch_size))

    def pipe(self, texts: Iterable[Any], targets: Iterable[Any] | None = None,
             batch_size: int = DEFAULT_BATCH_SIZE, n_process: int = 1) -> Iterator[Analysis]:
        """Lazily label a stream of posts in order, holding a few windows of posts at a time.

        One window's forward pass (torch, a worker thread) overlaps with the preprocessing of
        the next. ``n_process=2`` (or more) preprocesses in ``n_process - 1`` worker processes
        once the stream is longer than one window: Python's lock no longer serializes the
        text layer and the model (``arapol label`` does this on a machine with 2+ cores). The
        worker processes are spawned: a script that uses them needs ``if __name__ == "__main__":``.
        """
        windows = self._windows(texts, targets, batch_size * WINDOW_BATCHES)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arapol-forward")
        preparer = _Preparer(self.pre, n_process)
        try:
            pending: tuple[Window, Future[Any] | None] | None = None
            for window in preparer.map(windows):
                future = pool.submit(self._forward, list(window.unique), batch_size, window.wide) \
                    if window.unique else None
                if pending is not None:
                    yield from self._finish(*pending)
                pending = (window, future)
            if pending is not None:
                yield from self._finish(*pending)
        finally:
            # no join: an abandoned generator may be finalized by the garbage collector in
            # any thread, the worker's own included; the worker exits when its job is done
            pool.shutdown(wait=False, cancel_futures=True)
            preparer.close()

    @staticmethod
    def _windows(texts: Iterable[Any], targets: Iterable[Any] | None,
                 size: int) -> Iterator[tuple[list[Any], list[Any]]]:
        text_iter = iter(texts)
        target_iter = iter(targets) if targets is not None else None
        while chunk := list(islice(text_iter, size)):
            chunk_targets = (list(islice(target_iter, len(chunk))) if target_iter is not None
                             else [None] * len(chunk))
            if len(chunk_targets) != len(chunk):
                raise ValueError("targets ran out before texts")
            yield chunk, chunk_targets

    # -- forward ---------------------------------------------------------------------------

    def _forward(self, model_texts: list[str], batch_size: int,
                 wide_logits: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Calibrated, rounded probabilities for each text: stance (N, A, S) and the rest.

        ``wide_logits``: the texts' wide-head logits (``Window.wide``), for a model with wide heads."""
        ids = [e.ids for e in self.loaded.tokenizer.encode_batch(model_texts)]
        n, n_actors = len(ids), len(self.config.actors)
        out = {
            "stance": np.empty((n, n_actors, len(self.config.stance_labels)), dtype=np.float32),
            "slogan": np.empty(n, dtype=np.float32),
            "attack": np.empty(n, dtype=np.float32),
            "attack_targets": np.empty((n, n_actors), dtype=np.float32),
        }
        model = self.loaded.model
        wide = None if wide_logits is None else {k: torch.from_numpy(v.astype(np.float32))
                                                 for k, v in wide_logits.items()}
        with torch.inference_mode():
            for positions, input_ids, mask in padded_batches(ids, self.loaded.pad_id, batch_size):
                logits = model(input_ids.to(self.device), mask.to(self.device))
                if wide is not None:
                    logits = model.add_wide(logits, {k: v[positions].to(self.device) for k, v in wide.items()})
                probs = model.probabilities(logits)
                for name, array in out.items():
                    array[positions] = getattr(probs, name).float().cpu().numpy()
        return {name: np.round(array.astype(np.float64), DECIMALS) for name, array in out.items()}

    # -- postprocess -----------------------------------------------------------------------

    def _stance(self, probs: list[list[float]] | None, actor: str | None) -> StanceResult:
        if actor is None or probs is None:
            return StanceResult(Stance.NONE, None, 1.0, {})
        row = probs[self._actor_index[actor]]
        best = max(range(len(row)), key=row.__getitem__)
        labels = self.config.stance_labels
        return StanceResult(Stance(labels[best]), actor, row[best], dict(zip(labels, row, strict=True)))

    def _attack(self, score: float, per_actor: list[float], actor: str | None) -> AttackResult:
        if score < self.config.thresholds["attack"]:
            return AttackResult(False, score, [])
        if actor is not None:  # the stance target (given, else the main actor) is the one attacked
            return AttackResult(True, score, [actor])
        threshold = self.config.thresholds["attack_targets"]
        targets = [a for a, p in zip(self.config.actors, per_actor, strict=True) if p >= threshold]
        if not targets:
            targets = [self.config.actors[max(range(len(per_actor)), key=per_actor.__getitem__)]]
        return AttackResult(True, score, targets)

    def _finish(self, window: Window, forward: Future[dict[str, np.ndarray]] | None) -> list[Analysis]:
        if forward is None:
            return window.analyses
        probs = {name: array.tolist() for name, array in forward.result().items()}
        for analysis, actor in zip(window.analyses, window.targets, strict=True):
            if analysis.error is not None:
                continue
            u = window.unique[self.pre.model_text(analysis)]
            analysis.stance = self._stance(probs["stance"][u], actor)
            slogan = probs["slogan"][u]
            analysis.slogan = SloganResult(slogan >= self.config.thresholds["slogan"], slogan)
            analysis.attack = self._attack(probs["attack"][u], probs["attack_targets"][u], actor)
        return window.analyses


class _Preparer:
    """Preprocessing of windows, in order: in this process, or (``n_process`` > 1, for a stream
    of two windows or more) in spawned worker processes. A window that a worker cannot take (a post
    that does not pickle, a crashed worker) is prepared here instead: no row is ever lost."""

    def __init__(self, pre: Preprocessor, n_process: int) -> None:
        self.pre, self.workers = pre, max(0, n_process - 1)
        self._pool: ProcessPoolExecutor | None = None

    def map(self, windows: Iterable[tuple[list[Any], list[Any]]]) -> Iterator[Window]:
        if self.workers == 0:
            yield from (self.pre.window(*w) for w in windows)
            return
        it = iter(windows)
        first = next(it, None)
        second = next(it, None) if first is not None else None
        if second is None:  # one window: not worth a process (nor its start-up time)
            yield from (self.pre.window(*w) for w in (first,) if w is not None)
            return
        queue: deque[tuple[tuple[list[Any], list[Any]], Future[Window] | None]] = deque()
        for chunk in chain((first, second), it):  # every window to the workers: this process
            queue.append((chunk, self._submit(chunk)))  # never loads the text layer's models
            while len(queue) > self.workers + 1:
                yield self._result(*queue.popleft())
        while queue:
            yield self._result(*queue.popleft())

    def _submit(self, chunk: tuple[list[Any], list[Any]]) -> Future[Window] | None:
        try:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_worker,
                                                 initargs=(self.pre,))
            return self._pool.submit(worker_window, *chunk)
        except Exception:  # no process could be started: prepare here
            return None

    def _result(self, chunk: tuple[list[Any], list[Any]], future: Future[Window] | None) -> Window:
        if future is not None:
            try:
                return future.result()
            except Exception:
                pass
        return self.pre.window(*chunk)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _reload(directory: str, device: str, weights_sha256: str, precision: Precision = "float32") -> Pipeline:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UntrainedModelWarning)
        nlp = load(directory, device=device, precision=precision)
    if nlp.loaded.files[WEIGHTS_FILE]["sha256"] != weights_sha256:
        raise RuntimeError(f"the weights in {directory} changed since this pipeline was pickled")
    return nlp
