"""No silent loss: output paths never collide or overwrite inputs; directories; stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEED_GLOSSARY, patience, run_cli

#: A random model stutters (reported as issues): these tests are about the formats, not it.
TINY = ("--model", "tiny-random", "--backend", "transformers", "--fail-on", "never",
        "--no-cache", "--beam", "1")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_same_basenames_mirror_the_input_tree(tmp_path: Path) -> None:
    a = write(tmp_path / "site" / "a" / "index.txt", "The army met.\n")
    b = write(tmp_path / "site" / "b" / "index.txt", "The people met.\n")
    result = run_cli("translate", a, b, "--out", tmp_path / "o", *TINY)
    assert result.returncode in (0, 1), result.stderr
    assert (tmp_path / "o" / "a" / "index.txt").is_file()
    assert (tmp_path / "o" / "b" / "index.txt").is_file()


def test_directory_input_recurses_and_skips_unsupported(tmp_path: Path) -> None:
    write(tmp_path / "in" / "x.txt", "The army met.\n")
    write(tmp_path / "in" / "sub" / "y.md", "# The people\n")
    write(tmp_path / "in" / "logo.png", "not text")
    write(tmp_path / "in" / "draft.txt", "Draft.\n")
    result = run_cli("translate", tmp_path / "in", "--out", tmp_path / "o",
                     "--exclude", "draft*", *TINY)
    assert result.returncode in (0, 1), result.stderr
    assert sorted(p.relative_to(tmp_path / "o").as_posix()
                  for p in (tmp_path / "o").rglob("*") if p.is_file()) == ["sub/y.md", "x.txt"]
    assert "logo.png: skipped (unsupported type '.png')" in result.stderr


def test_directory_without_documents_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "in" / "logo.png", "x")
    other = write(tmp_path / "ok.txt", "The army met.\n")
    result = run_cli("translate", tmp_path / "in", other, "--out", tmp_path / "o", *TINY)
    assert result.returncode == 2
    assert f"{tmp_path / 'in'}: directory holds no supported document" in result.stderr
    assert (tmp_path / "o" / "ok.txt").is_file()        # the other input is still done


def test_output_onto_an_input_or_the_glossary_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path / "in.txt", "The army met.\n")
    glossary = tmp_path / "g.tsv"
    glossary.write_bytes(SEED_GLOSSARY.read_bytes())
    for target in (source, tmp_path / "x" / ".." / "in.txt", glossary):
        result = run_cli("translate", source, "-g", glossary, "-o", target, *TINY)
        assert result.returncode == 2, result.stderr
        assert "output would overwrite" in result.stderr
    assert source.read_text(encoding="utf-8") == "The army met.\n"
    assert glossary.read_bytes() == SEED_GLOSSARY.read_bytes()
    same_dir = run_cli("translate", source, "--out", tmp_path, *TINY)
    assert same_dir.returncode == 2 and "output would overwrite the input" in same_dir.stderr


def test_an_output_folder_that_is_a_file_is_refused_before_translating(tmp_path: Path) -> None:
    source = write(tmp_path / "in.txt", "The army met.\n")
    in_the_way = write(tmp_path / "notes", "an editor's notes\n")
    for option in (("--out", in_the_way), ("--out", in_the_way / "vi"),
                   ("-o", in_the_way / "in.txt")):
        result = run_cli("translate", source, *option, *TINY)
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.splitlines()        # one line, before any translation
        assert line.startswith(f"termtrans: error: {in_the_way}: is a file, not a directory")
    assert in_the_way.read_text(encoding="utf-8") == "an editor's notes\n"


def test_stdin_to_stdout_and_empty_stdin(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    args = [sys.executable, "-m", "translate", "translate", "-", *TINY]
    done = subprocess.run(args, input="The army met.\nThe people met.\n", capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=patience(120))
    assert done.returncode in (0, 1), done.stderr
    assert len(done.stdout.splitlines()) == 2
    empty = subprocess.run(args, input="", capture_output=True, text=True, cwd=ROOT, env=env,
                           timeout=patience(120))
    assert empty.returncode == 2
    assert empty.stderr.strip() == \
        "termtrans: error: <stdin>: no text to translate (stdin is empty)"


def test_demo_model_notice_on_every_run_and_in_the_report(tmp_path: Path,
                                                          tiny_model: Path) -> None:
    import json
    import shutil

    model = tmp_path / "demo"
    shutil.copytree(tiny_model, model)
    (model / "termtrans.json").write_text(json.dumps({"notice": "demo model: read its output"}))
    source = write(tmp_path / "a.txt", "The army met.\n")
    result = run_cli("translate", source, "--model", model, "--backend", "transformers",
                     "--no-cache", "-o", tmp_path / "a.vi.txt", "--report", tmp_path / "r.html")
    assert result.returncode in (0, 1), result.stderr
    assert "termtrans: warning: demo model: read its output" in result.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<p class="banner" role="note">demo model: read its output</p>' in page


def test_a_log_gets_periodic_progress_lines(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("".join(f"Prestigious people met {n} times.\n" for n in range(12)),
                      encoding="utf-8")
    result = run_cli("translate", source, "-o", tmp_path / "b.txt", "--model", "tiny-random",
                     "--backend", "transformers", "--no-cache", "--batch-size", "4",
                     env={"TERMTRANS_PROGRESS_EVERY": "0"})
    assert result.returncode in (0, 1), result.stderr
    lines = [x for x in result.stderr.splitlines() if x.endswith("segments translated")]
    assert lines and lines[0].startswith("termtrans: 4/12 ")
