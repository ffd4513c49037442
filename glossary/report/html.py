"""Render :class:`ReportData` as one self-contained HTML page.

The page must open from ``file://`` with no network: CSS and script are
inlined, the data rides along as JSON. Jinja2 renders the skeleton, summary
and term table with autoescaping on; the segment list is rendered by the
page's script, one page at a time, from the embedded JSON, so a report over
tens of thousands of segments opens quickly. The script builds every piece of
user text with ``textContent``, so a ``<script>`` in a sentence stays text.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from glossary.errors import MissingDependencyError
from glossary.report.data import ReportData, Run


def _runs(runs: tuple[Run, ...]) -> list[list[str]]:
    return [[r.text, r.mark, r.note] if r.mark else [r.text] for r in runs]


def page_payload(data: ReportData) -> dict[str, Any]:
    """The compact JSON the page's script reads (files and kinds by index)."""
    files = [f.name for f in data.files]
    file_index = {name: k for k, name in enumerate(files)}
    return {
        "files": files,
        "terms": [{"id": t.id, "target": t.target, "n": t.occurrences}
                  for t in data.terms if t.occurrences],
        "segments": [{"id": s.id, "f": file_index[s.file], "l": s.line,
                      "s": _runs(s.source), "t": _runs(s.target),
                      "i": [[i.kind, i.severity, i.message] for i in s.issues],
                      "k": list(s.terms), "v": s.severity,
                      **({"q": [s.quality[0], s.quality[1], list(s.quality[2])]}
                         if s.quality is not None else {})}
                     for s in data.segments],
    }


def render_html(data: ReportData) -> str:
    """The report page as a string (UTF-8 when written)."""
    try:
        import jinja2
    except ImportError as exc:   # pragma: no cover - jinja2 is a declared dependency
        raise MissingDependencyError(
            "the HTML report needs Jinja2: pip install 'jinja2>=3.1'") from exc
    from markupsafe import Markup

    here = resources.files("glossary.report") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (here / name).read_text(encoding="utf-8")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    template = env.get_template("report.html.j2")
    return template.render(
        data=data, payload=page_payload(data),
        css=Markup((here / "report.css").read_text(encoding="utf-8")),
        script=Markup((here / "report.js").read_text(encoding="utf-8")))
