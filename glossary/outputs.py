"""Machine-readable renderings of a check report for CI systems.

* ``compact``: ``path:line:col: severity: kind: message``, the compiler convention that
  editors and CI problem matchers parse; one line per issue, never wrapped.
* ``github``: GitHub Actions workflow commands (``::error file=…,line=…,col=…::…``), shown
  as annotations on the pull request's diff.
* ``junit``: JUnit XML with one test case per checked file (failed when it has issues).
* ``sarif``: SARIF 2.1.0 (GitHub code scanning and other static-analysis viewers): one rule
  per check with its description and default severity, results with line and column, and
  the baseline fingerprint of each issue so that viewers track issues across edits.

Columns are 1-based character columns of the translation (NFC), from the issue's span.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from glossary.baseline import fingerprint
from glossary.checks.base import REGISTRY, Issue, Severity
from glossary.checks.runner import Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def column(issue: Issue) -> int:
    return issue.span[0] + 1 if issue.span else 1


def render_compact(report: Report) -> str:
    return "".join(f"{i.file}:{i.line}:{column(i)}: {i.severity}: {i.kind}: {i.message}\n"
                   for i in report.issues)


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(report: Report) -> str:
    lines = []
    for i in report.issues:
        props = (f"file={_github_escape(i.file, True)},line={i.line},col={column(i)},"
                 f"title={_github_escape(i.kind, True)}")
        lines.append(f"::{_GITHUB_LEVEL[i.severity]} {props}::{_github_escape(i.message)}\n")
    return "".join(lines)


def render_junit(report: Report, input_errors: Sequence[tuple[str, str]] = ()) -> str:
    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        by_file[issue.file].append(issue)
    files = list(dict.fromkeys([*report.files, *by_file]))
    failures = sum(1 for f in files if by_file[f])
    root = ET.Element("testsuites", {"name": "termtrans check", "tests": str(len(files)),
                                     "failures": str(failures),
                                     "errors": str(len(input_errors))})
    suite = ET.SubElement(root, "testsuite", {
        "name": "termtrans check", "tests": str(len(files) + len(input_errors)),
        "failures": str(failures), "errors": str(len(input_errors))})
    for name in files:
        case = ET.SubElement(suite, "testcase", {"classname": "termtrans.check", "name": name})
        issues = by_file[name]
        if issues:
            text = "".join(f"{i.file}:{i.line}:{column(i)}: {i.severity}: {i.kind}: "
                           f"{i.message}\n" for i in issues)
            ET.SubElement(case, "failure", {"message": f"{len(issues)} issue(s)",
                                            "type": "terminology"}).text = text
    for name, message in input_errors:
        case = ET.SubElement(suite, "testcase", {"classname": "termtrans.check", "name": name})
        ET.SubElement(case, "error", {"message": message}).text = message
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def render_sarif(report: Report, version: str,
                 input_errors: Sequence[tuple[str, str]] = ()) -> str:
    kinds = sorted({c.issue_kind for c in REGISTRY.values()})
    descriptions = {c.issue_kind: c.description for c in REGISTRY.values()}
    rules = [{"id": kind, "name": kind,
              "shortDescription": {"text": descriptions.get(kind, kind)},
              "help": {"text": f"termtrans check kind '{kind}': {descriptions.get(kind, '')}"}}
             for kind in kinds]
    index = {kind: n for n, kind in enumerate(kinds)}
    results: list[dict[str, Any]] = []
    for issue, source in report.with_sources():
        region: dict[str, Any] = {"startLine": issue.line, "startColumn": column(issue)}
        if issue.span:
            region["endColumn"] = issue.span[1] + 1
        results.append({
            "ruleId": issue.kind, "ruleIndex": index.get(issue.kind, 0),
            "level": _SARIF_LEVEL[issue.severity], "message": {"text": issue.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": issue.file},
                                                "region": region}}],
            "partialFingerprints": {"termtrans/v1": fingerprint(issue, source)}})
    notifications = [{"level": "error", "message": {"text": message},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": name}}}]}
                     for name, message in input_errors]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "termtrans", "version": version, "rules": rules}},
        "results": results,
        "invocations": [{"executionSuccessful": not input_errors,
                         "toolExecutionNotifications": notifications}]}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      ensure_ascii=False, indent=1)
