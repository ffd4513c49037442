"""Vietnamese names of the source missing from the translation (``missing_name``).

English news spells Vietnamese place and person names without their marks ("Thanh Hoa",
"Hoa Binh", "Doc Lap commune"); a translation writes them with ("Thanh Hóa", "Hòa Bình",
"Độc Lập"). A small model mangles names the glossary does not hold ("Binhnh" for "Hoa
Binh", "Mỹ" — the United States — for "Thanh Hoa") and no term check sees it, yet a reader
takes the sentence for a statement about another place. A name here is two or more
capitalised words in a row, each shaped like a Vietnamese syllable without its marks; it is
found when the translation, marks removed, holds the same syllables in the same order.
No dictionary is needed, so any province, commune or person is covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check
from glossary.vietnamese import fold, is_bare_syllable

#: A capitalised word (a space or a hyphen may join it to the next).
_CAPITALISED = re.compile(r"\b[A-Z][a-z]*\b")
#: English words of syllable shape that start sentences and titles ("In Ha Noi", "But I",
#: "King Tut"): never the first word of a name…
_LEADING = frozenset({"a", "an", "as", "at", "be", "but", "by", "do", "go", "he", "hi", "i",
                      "in", "king", "me", "my", "no", "on", "so", "the", "then", "this", "to",
                      "we"})
#: …and English geographic words of that shape after one ("Ha Long Bay" is "Vịnh Hạ Long").
_TRAILING = frozenset({"bay"})


def source_names(source: str) -> list[tuple[int, int]]:
    """Spans of *source* that read as Vietnamese names written without marks."""
    runs: list[list[re.Match[str]]] = []
    for word in _CAPITALISED.finditer(source):
        if not is_bare_syllable(word.group()):
            runs.append([])
            continue
        joined = bool(runs and runs[-1]) and source[runs[-1][-1].end():word.start()] in (
            " ", "-")
        if joined:
            runs[-1].append(word)
        else:
            runs.append([word])
    spans = []
    for run in runs:
        while run and run[0].group().lower() in _LEADING:
            run = run[1:]
        while run and run[-1].group().lower() in _TRAILING:
            run = run[:-1]
        if len(run) >= 2:
            spans.append((run[0].start(), run[-1].end()))
    return spans


def _bare_words(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W\d_]+", fold(text))) + " "


def _initials_in(name: str, target: str) -> bool:
    """Whether *target* writes a name of three or more words by its initials ("Ho Chi
    Minh" as "HCM", as Vietnamese news does)."""
    words = re.split(r"[ -]", name)
    initials = "".join(w[0] for w in words).upper()
    return len(words) >= 3 and re.search(rf"\b{initials}\b", target) is not None


@segment_check("missing_name", "a Vietnamese name of the source (\"Thanh Hoa\") is not in the "
                               "translation, with or without its marks")
def missing_name(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    terms = [(hit.match.start, hit.match.end) for hit in analysis.hits]
    target = _bare_words(analysis.target)
    for start, end in source_names(analysis.source):
        if any(a < end and start < b for a, b in terms):
            continue            # a glossary term: the term checks judge it
        name = analysis.source[start:end]
        if _bare_words(name) not in target and not _initials_in(name, analysis.target):
            yield Issue("missing_name", Severity.WARNING, seg.file, seg.line,
                        f"the name '{name}' is not in the translation", source_term=name,
                        source_span=(start, end))
