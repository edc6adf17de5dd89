"""Hub download against a local server that answers like the Hub (no network)."""

import hashlib
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from huggingface_hub import constants

from arapol.hub import HubError, download_model, is_repo_id, model_card, publish, upload_plan
from arapol.modeling.config import ArapolConfig
from arapol.modeling.model import ModelFileError
from arapol.modeling.tiny import make_random_model
from arapol.pipeline import load

pytestmark = pytest.mark.filterwarnings("ignore::arapol.pipeline.UntrainedModelWarning")

REPO = "arapol-test/tiny"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "publish_to_hub.py"


class FakeHub(ThreadingHTTPServer):
    """Serves ``files`` (name -> bytes) as ``REPO`` at revision main = ``COMMIT``."""

    def __init__(self, files):
        super().__init__(("127.0.0.1", 0), Handler)
        self.files = files
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeHub

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=None, send_body=True):
        self.send_response(status)
        for key, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _json(self, value):
        self._send(200, json.dumps(value).encode(), {"Content-Type": "application/json"})

    def _route(self, send_body):
        path = unquote(urlsplit(self.path).path)
        self.server.requests.append((self.command, path))
        api = f"/api/models/{REPO}/"
        revisions = {"main", COMMIT}
        if path.startswith(api + "revision/"):
            if path[len(api + "revision/"):] not in revisions:
                return self._send(404, headers={"X-Error-Code": "RevisionNotFound"})
            return self._json({"id": REPO, "sha": COMMIT, "private": False,
                               "siblings": [{"rfilename": name} for name in self.server.files]})
        if path.startswith(api + "tree/"):
            return self._json([{"type": "file", "path": name, "size": len(data),
                                "oid": hashlib.sha1(data).hexdigest()}
                               for name, data in self.server.files.items()])
        prefix = f"/{REPO}/resolve/"
        if path.startswith(prefix):
            revision, _, name = path[len(prefix):].partition("/")
            if revision not in revisions or name not in self.server.files:
                return self._send(404, headers={"X-Error-Code": "EntryNotFound"})
            data = self.server.files[name]
            return self._send(200, data, {"X-Repo-Commit": COMMIT,
                                          "ETag": f'"{hashlib.sha256(data).hexdigest()}"'}, send_body)
        return self._send(404, headers={"X-Error-Code": "RepoNotFound"})

    def do_GET(self):
        self._route(True)

    def do_HEAD(self):
        self._route(False)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return make_random_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def hub(model_dir, tmp_path, monkeypatch):
    files = {p.name: p.read_bytes() for p in model_dir.iterdir()}
    files["pytorch_model.bin"] = b"a pickle arapol must never fetch"
    server = FakeHub(files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # huggingface_hub reads HF_ENDPOINT at import: point its constants at the fake Hub
    monkeypatch.setattr(constants, "ENDPOINT", server.url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", server.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("arapol/arapol-base", True), ("user/model.v2", True), ("./models/x", False), ("a/b/c", False),
     ("../x", False), ("model", False), ("/abs/path", False), ("a/..", False)],
)
def test_is_repo_id(name, expected):
    assert is_repo_id(name) is expected


def test_download_then_load(hub, model_dir, tmp_path):
    path = download_model(REPO, cache_dir=tmp_path / "cache")
    assert COMMIT in str(path)
    assert sorted(p.name for p in path.iterdir()) == sorted(p.name for p in model_dir.iterdir())
    fetched = {p for verb, p in hub.requests if "/resolve/" in p}
    assert not any(p.endswith(".bin") for p in fetched)
    nlp = load(REPO, cache_dir=tmp_path / "cache")
    local = load(model_dir)
    post = "صوتوا على الحمامة"
    assert nlp(post).to_dict() == local(post).to_dict()


def test_revision_pinning(hub, tmp_path):
    assert COMMIT in str(download_model(REPO, revision=COMMIT, cache_dir=tmp_path))
    with pytest.raises(HubError, match="no such revision"):
        download_model(REPO, revision="v9", cache_dir=tmp_path)


def test_unknown_repo(hub, tmp_path):
    with pytest.raises(HubError, match="'someone/else' .* was not found"):
        download_model("someone/else", cache_dir=tmp_path)


def test_offline_uses_the_cache_or_says_what_to_do(hub, tmp_path, monkeypatch):
    download_model(REPO, cache_dir=tmp_path / "cache")
    hub.requests.clear()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert COMMIT in str(download_model(REPO, cache_dir=tmp_path / "cache"))
    assert hub.requests == []
    with pytest.raises(HubError, match="HF_HUB_OFFLINE is set") as info:
        download_model(REPO, cache_dir=tmp_path / "empty")
    assert REPO in str(info.value)


def test_unreachable_hub(hub, tmp_path, monkeypatch):
    hub.shutdown()
    hub.server_close()
    with pytest.raises(HubError, match="could not reach") as info:
        download_model(REPO, cache_dir=tmp_path)
    assert REPO in str(info.value) and "local model directory" in str(info.value)


def test_tampered_download_is_refused(hub, tmp_path):
    weights = bytearray(hub.files["model.safetensors"])
    weights[-1] ^= 0xFF
    hub.files["model.safetensors"] = bytes(weights)
    with pytest.raises(ModelFileError, match="model.safetensors does not match"):
        load(REPO, cache_dir=tmp_path)


def test_upload_plan_lists_verified_files(model_dir):
    plan = upload_plan(model_dir, REPO)
    names = [f.path_in_repo for f in plan]
    assert names == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                     "manifest.json", "README.md"]
    weights = plan[1]
    assert weights.size == (model_dir / "model.safetensors").stat().st_size
    assert weights.sha256 == hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    card = plan[-1].source.decode()
    assert "RANDOM WEIGHTS" in card and f'arapol.load("{REPO}")' in card


def test_model_card_of_a_trained_model():
    card = model_card(ArapolConfig(trained=True, description="arapol-base v1"), "org/arapol-base")
    assert "RANDOM" not in card and "arapol-base v1" in card and "| attack | 0.5 |" in card
    assert "license: other" in card and "terms of the data" in card
    assert "license: apache-2.0" in model_card(ArapolConfig(), "org/test")


def test_upload_plan_takes_a_card_file(model_dir, tmp_path):
    card = tmp_path / "MODEL_CARD.md"
    card.write_text("---\nlicense: other\n---\n# card\n", encoding="utf-8")
    readme = upload_plan(model_dir, REPO, card)[-1]
    assert readme.path_in_repo == "README.md" and readme.source == card
    with pytest.raises(FileNotFoundError, match="does not exist"):
        upload_plan(model_dir, REPO, tmp_path / "missing.md")


def test_publish_refuses_random_weights(model_dir):
    with pytest.raises(ValueError, match="refusing to publish"):
        publish(model_dir, REPO)


def test_publish_script_dry_run(model_dir):
    result = subprocess.run([sys.executable, str(SCRIPT), str(model_dir), REPO, "--dry-run"],
                            capture_output=True, text=True, check=True)
    assert "model.safetensors" in result.stdout and "README.md (generated)" in result.stdout
    sha = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    assert sha in result.stdout and "dry run: nothing uploaded" in result.stdout
