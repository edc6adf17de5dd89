import json
import subprocess
import sys

from typer.testing import CliRunner

from arapol.cli import app

runner = CliRunner()


def run(args, data: bytes):
    return runner.invoke(app, args, input=data)


def test_normalize_lines_in_order():
    result = run(["normalize"], "الإنتخاباااات\nl7koma\n\n".encode())
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["الانتخاباات", "l7koma", ""]


def test_normalize_preset_and_output_file(tmp_path):
    out = tmp_path / "out.txt"
    result = run(["normalize", "--preset", "model", "-o", str(out)], "شوف https://x.ma\n".encode())
    assert result.exit_code == 0
    assert out.read_text("utf-8") == "شوف <url>\n"


def test_unknown_preset_is_a_usage_error():
    result = run(["normalize", "--preset", "nope"], b"x\n")
    assert result.exit_code != 0


def test_tokenize_json_one_array_per_line():
    result = run(["tokenize", "--format", "json"], "3lach l7koma?\n#تعاقد_من_أجل_الكرامة 😡\n".encode())
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert lines == [["3lach", "l7koma", "?"], ["#تعاقد_من_أجل_الكرامة", "😡"]]


def test_invalid_utf8_gives_empty_result_and_names_offset(tmp_path):
    src = tmp_path / "in.txt"
    src.write_bytes(b"ok\n\xffbad\nfine\n")
    result = runner.invoke(app, ["tokenize", str(src)])
    assert result.exit_code == 0
    assert [json.loads(x) for x in result.stdout.splitlines()] == [["ok"], [], ["fine"]]
    assert "byte offset 3" in result.stderr


def test_text_layer_never_imports_torch():
    code = (
        "import sys, arapol; arapol.normalize('x'); arapol.tokenize('x');"
        "from arapol.cli import app;"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_help_answers():
    proc = subprocess.run([sys.executable, "-m", "arapol", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "normalize" in proc.stdout


def test_transliterate_both_directions():
    result = run(["transliterate", "--source", "latin", "--target", "tifinagh"], b"azul\n")
    assert result.exit_code == 0 and result.stdout == "ⴰⵣⵓⵍ\n"
    result = run(["transliterate", "--source", "arabizi", "--target", "arabic"], b"3lach\n")
    assert result.exit_code == 0 and result.stdout.strip().startswith("ع")


def test_transliterate_unsupported_pair_is_a_usage_error():
    assert run(["transliterate", "--source", "arabic", "--target", "tifinagh"], b"x\n").exit_code != 0


def test_detect_one_object_per_line():
    result = run(["detect"], "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ\nl7koma dyal akhannouch fachla\n".encode())
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["script"], r["lang"]) for r in rows] == [("tifinagh", "amazigh"), ("latin", "darija")]


def test_actors_one_array_per_line():
    result = run(["actors"], "صوتوا على الحمامة\nhello\n".encode())
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [m["actor"] for m in rows[0]] == ["RNI"] and rows[1] == []
    assert rows[0][0]["surface"] == "الحمامة"
