from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_GLOSSARY, patience, run_cli
from translate.cache import cached_segments
from translate.pipeline import breaks_guarantee

ARTICLES = sorted((ROOT / "seeds" / "articles").glob("*.txt"))
GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "seed-002-beam2.json"
# The shipped random model on the exact search: slow enough to stop halfway, deterministic.
TINY = ("--model", "tiny-random", "--backend", "transformers", "--fail-on", "never")


def test_translate_seed_article_with_default_model(tmp_path: Path) -> None:
    result = run_cli("translate", ARTICLES[2], "-g", SEED_GLOSSARY, "--out", tmp_path / "out",
                     "--cache", tmp_path / "c.sqlite", "--report-json", tmp_path / "r.json",
                     "--report", tmp_path / "report.html", "--beam", "2", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'data-stat="term_success_rate">100.0%<' in html
    lines = re.search(r": (\d+) line\(s\), (\d+) segment\(s\)", result.stderr)
    assert lines and f'data-stat="segments">{lines.group(1)}<' in html   # one count, both
    assert 'data-stat="quality">' in html
    assert str(tmp_path / "out" / ARTICLES[2].name) in html
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (entry,) = report["files"]
    # every term, code and number kept; stutters and invented fragments are reported
    assert entry["terms_required"] > 10
    assert not [i for i in entry["issues"] if breaks_guarantee(i["kind"], i["source_term"])]
    assert sum(entry["quality"].values()) == entry["segments"] == len(entry["segment_quality"])
    assert report["signature"].startswith("model:en-vi-demo@")
    assert "|backend:ctranslate2-int8+vmap|" in report["signature"]   # auto: the fast path
    out = (tmp_path / "out" / ARTICLES[2].name).read_text(encoding="utf-8")
    assert len(out.splitlines()) == len(ARTICLES[2].read_text(encoding="utf-8").splitlines())
    assert "Mặt trận Tổ quốc Việt Nam" in out and "người có uy tín" in out
    # refactors change no byte of the output (with the same model)
    model = report["signature"].split("|")[0].removeprefix("model:")
    if os.environ.get("TERMTRANS_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps({"model": model, "output": out}, ensure_ascii=False,
                                     indent=1) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert model == golden["model"], (
        f"the default model changed ({golden['model']} → {model}): check the new output, "
        "then refresh it with TERMTRANS_UPDATE_GOLDEN=1 pytest -k seed_article_with_default")
    assert out == golden["output"]


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1000])


def _huge_header(path: Path) -> None:
    """A safetensors header length of a terabyte (a corrupted or hostile file)."""
    path.write_bytes((10**12).to_bytes(8, "little") + path.read_bytes()[8:])


def _garbled_header(path: Path) -> None:
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    path.write_bytes(data[:8] + b"[" + data[9:8 + size].replace(b'"', b"'") + data[8 + size:])


@pytest.mark.parametrize(("name", "damage", "named", "problem"), [
    ("target.spm", Path.unlink, ".",
     "not a complete MarianMT model directory: missing target.spm"),
    ("model.safetensors", _truncate, "model.safetensors",
     "damaged model file: not a complete safetensors file"),
    ("model.safetensors", _huge_header, "model.safetensors",
     "damaged model file: not a complete safetensors file"),
    ("model.safetensors", _garbled_header, "model.safetensors",
     "damaged model file: not a complete safetensors file"),
])
def test_broken_model_file_is_named_not_a_traceback(tmp_path: Path, tiny_model: Path,
                                                    name: str, damage: Callable[[Path], None],
                                                    named: str, problem: str) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    damage(broken / name)
    source = tmp_path / "a.txt"
    source.write_text("Border Guard.\n", encoding="utf-8")
    result = run_cli("translate", source, "--model", broken, "--no-cache")
    assert result.returncode == 2
    assert result.stderr.strip() == f"termtrans: error: {broken / named}: {problem}"
    assert not (tmp_path / "a.vi.txt").exists() and len(list(tmp_path.iterdir())) == 2


def test_locked_model_with_changed_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "models" / "tiny-random"
    shutil.copytree(ROOT / "models" / "tiny-random", copy)
    lock = json.loads((ROOT / "models.lock").read_text(encoding="utf-8"))
    (tmp_path / "models.lock").write_text(json.dumps(lock), encoding="utf-8")
    with (copy / "config.json").open("a", encoding="utf-8") as handle:
        handle.write(" ")
    source = tmp_path / "a.txt"
    source.write_text("Border Guard.\n", encoding="utf-8")
    env_lock = ["--no-cache"]
    result = subprocess.run([sys.executable, "-m", "translate", "translate", str(source),
                             *env_lock], capture_output=True, text=True, cwd=tmp_path,
                            timeout=patience(120))
    assert result.returncode == 2
    assert "does not match models.lock" in result.stderr and "--no-verify" in result.stderr
    result = subprocess.run([sys.executable, "-m", "translate", "translate", str(source),
                             "--no-cache", "--no-verify"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=patience(120))
    assert result.returncode == 0, result.stderr


def test_hub_model_offline_says_what_to_do(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("x\n", encoding="utf-8")
    result = run_cli("translate", source, "--model", "opus-mt-en-vi", "--no-cache")
    assert result.returncode == 2
    assert "termtrans models pull opus-mt-en-vi" in result.stderr


def test_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite"
    cache.write_bytes(b"this is not a database" * 100)
    source = tmp_path / "a.txt"
    source.write_text("Border Guard.\n", encoding="utf-8")
    result = run_cli("translate", source, "--cache", cache, "-g", SEED_GLOSSARY, *TINY)
    assert result.returncode == 0, result.stderr
    assert "was unusable; moved to" in result.stderr
    assert (tmp_path / "c.sqlite.corrupt-1").read_bytes().startswith(b"this is not")
    again = run_cli("translate", source, "--cache", cache, "-g", SEED_GLOSSARY, *TINY, "--force")
    assert "translated 0 segment(s), 1 from cache" in again.stderr


def test_cache_from_an_older_schema_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite"
    with sqlite3.connect(cache) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema', '1')")
    source = tmp_path / "a.txt"
    source.write_text("Border Guard.\n", encoding="utf-8")
    result = run_cli("translate", source, "--cache", cache, *TINY)
    assert result.returncode == 0 and "rebuilt" in result.stderr


@pytest.mark.slow
def test_kill_9_then_resume_gives_identical_output(tmp_path: Path) -> None:
    """SIGKILL mid-run: no half-written output; the re-run only does what is left."""
    articles = [ARTICLES[2], ARTICLES[3]]   # short, in batches of 2: enough to stop halfway
    options = [*map(str, articles), "-g", str(SEED_GLOSSARY), "--beam", "2", "--batch-size",
               "2", *TINY]
    args = [sys.executable, "-m", "translate", "translate", *options]
    reference = run_cli("translate", *options, "--out", tmp_path / "ref", "--cache",
                        tmp_path / "ref.sqlite")
    assert reference.returncode == 0, reference.stderr
    line = next(x for x in reference.stderr.splitlines() if x.startswith("translated "))
    total = int(line.split()[1])
    assert total >= 16 and cached_segments(tmp_path / "ref.sqlite") == total
    cache = tmp_path / "c.sqlite"
    proc = subprocess.Popen([*args, "--out", str(tmp_path / "out"), "--cache", str(cache)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ))
    deadline = time.time() + patience(300)
    rows = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
        rows = cached_segments(cache)
        if rows >= total // 3:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert total // 3 <= rows < total
    # only complete files: each one written is identical to the uninterrupted run's
    written = sorted((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else []
    assert len(written) < len(articles)
    for path in written:
        assert path.read_bytes() == (tmp_path / "ref" / path.name).read_bytes()
    resumed = subprocess.run([*args, "--out", str(tmp_path / "out"), "--cache", str(cache)],
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    line = next(x for x in resumed.stderr.splitlines() if x.startswith("translated "))
    done, cached = int(line.split()[1]), int(line.split(", ")[1].split()[0])
    assert cached >= total // 3 and done + cached == total and done < total
    for article in articles:
        assert (tmp_path / "out" / article.name).read_bytes() == \
               (tmp_path / "ref" / article.name).read_bytes()


def test_first_run_announces_the_one_time_conversion(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The Border Guard met prestigious people.\n", encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "home")}
    args = ("translate", source, "--model", "tiny-random", "-g", SEED_GLOSSARY, "--no-cache",
            "-o", tmp_path / "a.vi.txt")
    first = run_cli(*args, env=env)
    again = run_cli(*args, env=env)
    assert first.returncode == again.returncode == 0, first.stderr
    note = "termtrans: converting tiny-random for ctranslate2-int8 (once; cached for later runs)"
    assert first.stderr.splitlines()[0] == note
    assert note not in again.stderr
    assert "|backend:ctranslate2-int8|" in again.stderr


def test_the_summary_counts_repeated_segments_apart(tmp_path: Path) -> None:
    """The run's last line adds up to the files' segment counts: a segment met again in
    another file is translated once and said so."""
    (tmp_path / "a.txt").write_text("The meeting ended.\nTroops of Thanh Hoa helped.\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("The meeting ended.\n", encoding="utf-8")
    done = run_cli("translate", tmp_path / "a.txt", tmp_path / "b.txt", "--out",
                   tmp_path / "out", "--no-cache", "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    assert "a.txt: 2 line(s), 2 segment(s)" in done.stderr
    assert "b.txt: 1 line(s), 1 segment(s)" in done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert summary.startswith("translated 2 segment(s), 0 from cache, 1 repeated "
                              "(translated once)"), summary
