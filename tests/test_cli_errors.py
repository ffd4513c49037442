"""No traceback without --debug: write errors, a closed stdout; --debug shows it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli

PAIR = (FIXTURES / "seed_check" / "source.en", FIXTURES / "seed_check" / "damaged.vi")


def test_a_failed_write_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    target = tmp_path / "a-directory"
    target.mkdir()
    for command in (("check", *PAIR, "-g", SEED_GLOSSARY, "--format", "json", "-o", target),
                    ("score", "-i", PAIR[1], "--ref", PAIR[1], "--json", target)):
        result = run_cli(*command)
        assert result.returncode == 2, result.stderr
        errors = [x for x in result.stderr.splitlines() if x.startswith("termtrans: error")]
        assert errors == [f"termtrans: error: {target}: Is a directory"], result.stderr
        assert "Traceback" not in result.stderr
        debug = run_cli("--debug", *command)
        assert debug.returncode == 2 and "Traceback (most recent call last)" in debug.stderr


def test_a_closed_stdout_ends_quietly() -> None:
    process = subprocess.Popen([sys.executable, "-m", "translate", "glossary", "show",
                                str(SEED_GLOSSARY)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="80"))
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()                 # like `| head -1`
    err = process.stderr.read().decode("utf-8")
    process.wait(60)
    assert "Traceback" not in err and "Exception ignored" not in err


def test_models_pull_without_the_hub_fails_in_seconds_in_one_line() -> None:
    import time

    started = time.monotonic()
    result = run_cli("models", "pull", "opus-mt-en-vi", env={"HF_ENDPOINT": "http://127.0.0.1:1"})
    assert result.returncode == 2 and time.monotonic() - started < 10
    assert result.stderr.strip().splitlines() == [
        "termtrans: error: cannot download Helsinki-NLP/opus-mt-en-vi: 127.0.0.1 is not "
        "reachable (Connection refused). This needs internet access to the Hugging Face Hub; "
        "elsewhere, copy the model directory here and pass --model DIR"]


def test_language_options_accept_en_vi_and_refuse_other_pairs() -> None:
    ok = run_cli("check", *PAIR[:1], FIXTURES / "seed_check" / "clean.vi", "-g",
                 SEED_GLOSSARY, "--source-lang", "en", "--target-lang", "vi-VN")
    assert ok.returncode == 0, ok.stderr
    for command in (("check", *PAIR, "-g", SEED_GLOSSARY),
                    ("score", "-i", PAIR[1], "--ref", PAIR[1]),
                    ("translate", PAIR[0], "-o", "unused.vi")):
        bad = run_cli(*command, "--target-lang", "fr")
        assert bad.returncode == 2
        assert "unsupported language pair en→fr" in bad.stderr and not Path("unused.vi").exists()


def test_every_help_fits_80_columns() -> None:
    for command in (["translate"], ["check"], ["score"], ["serve"], ["glossary", "convert"],
                    ["models", "convert"], ["tm", "export"], ["api-key"]):
        result = run_cli(*command, "--help", env={"COLUMNS": "80"})
        assert result.returncode == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, command


@pytest.mark.parametrize("command", [[], ["translate"], ["check"], ["serve"], ["models", "list"],
                                     ["glossary", "validate"], ["tm", "export"]])
def test_help_shows_no_type_beside_a_flag(command: list[str]) -> None:
    # a flag takes no value: "--no-cache <bool>" read as if it did
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--help" in result.stdout and "<bool>" not in result.stdout
