import subprocess
import sys

import numpy as np
import pytest

from arapol.modeling.ngrams import WideLinear
from arapol.preprocess import Preprocessor, init_worker, worker_window

ACTORS = ["PJD", "RNI", "GOV"]


def make_pre() -> Preprocessor:
    wide = WideLinear.zeros(1024, ACTORS, 3, {"stance": 1.0, "slogan": 1.0, "attack": 1.0})
    wide.arrays["binary_bias"][:] = [0.5, -0.5]
    return Preprocessor("model", ACTORS, 4000, wide)


def test_worker_window_is_the_preprocessors_window():
    pre = make_pre()
    texts, targets = ["صوتوا على الحمامة", "", None, "l7koma fachla"], [None, None, None, "PJD"]
    init_worker(pre)
    got, want = worker_window(texts, targets), pre.window(texts, targets)
    assert got.targets == want.targets == ["RNI", None, None, "PJD"]
    assert [a.error for a in got.analyses] == [a.error for a in want.analyses]
    assert got.analyses[1].error and got.analyses[2].error
    assert all(np.array_equal(got.wide[k], want.wide[k]) for k in want.wide)
    assert np.allclose(got.wide["slogan"], 0.5) and np.allclose(got.wide["attack"], -0.5)


def test_worker_window_needs_init_worker(monkeypatch):
    from arapol import preprocess

    monkeypatch.setattr(preprocess, "_WORKER", None)
    with pytest.raises(RuntimeError, match="init_worker"):
        worker_window(["x"], [None])


def test_a_preprocessing_worker_never_imports_torch_or_scikit_learn():
    # what a spawned worker of Pipeline.pipe(n_process=2) runs: unpickle the Preprocessor, window
    code = (
        "import pickle, sys\n"
        "from arapol.preprocess import init_worker, worker_window\n"
        "init_worker(pickle.loads(sys.stdin.buffer.read()))\n"
        "w = worker_window(['بنكيران كذاب #قاطعوا', 'ⴰⵣⵓⵍ', 'l7koma fachla'], [None, None, None])\n"
        "assert w.wide is not None and len(w.analyses) == 3\n"
        "heavy = [m for m in ('torch', 'transformers', 'sklearn', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    import pickle

    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(make_pre()), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
