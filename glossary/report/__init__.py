"""Editors' terminology report: a self-contained HTML page built from a checker report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from glossary.checks.runner import Report
from glossary.model import Glossary
from glossary.report.data import (
    FileRow,
    IssueRow,
    ReportData,
    Run,
    SegmentRow,
    Span,
    TermRow,
    Variant,
    build_report_data,
    cut_runs,
)
from glossary.report.html import page_payload, render_html
from glossary.textio import atomic_write

__all__ = [
    "FileRow", "IssueRow", "ReportData", "Run", "SegmentRow", "Span", "TermRow", "Variant",
    "build_report_data", "cut_runs", "page_payload", "render_html", "write_html_report",
]


def write_html_report(report: Report, glossary: Glossary, path: Path | None = None, *,
                      title: str = "Terminology report",
                      meta: dict[str, str] | None = None,
                      quality: Mapping[tuple[str, int], Mapping[str, Any]] | None = None) -> str:
    """Render the page; write it atomically to *path* when given. Returns the HTML."""
    html = render_html(build_report_data(report, glossary, title=title, meta=meta,
                                         quality=quality))
    if path is not None:
        with atomic_write(path) as handle:
            handle.write(html)
    return html
