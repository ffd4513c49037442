"""Legal-document references and document codes, recognised by pattern.

Vietnamese state documents are cited as a type plus a number/code
("Resolution No. 06-NQ/TU", "Decree No.21/2019/NĐ-CP"). There are thousands of
them, so they are recognised by pattern rather than listed: the document type
is translated ("Nghị quyết số") and the code is carried over byte-exact.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

#: English document type → Vietnamese document type.
DOC_TYPES: dict[str, str] = {
    "resolution": "Nghị quyết",
    "conclusion": "Kết luận",
    "decree": "Nghị định",
    "directive": "Chỉ thị",
    "decision": "Quyết định",
    "circular": "Thông tư",
    "joint circular": "Thông tư liên tịch",
    "law": "Luật",
    "ordinance": "Pháp lệnh",
    "regulation": "Quy định",
    "instruction": "Hướng dẫn",
    "guideline": "Hướng dẫn",
    "plan": "Kế hoạch",
    "notice": "Thông báo",
    "official letter": "Công văn",
    "official dispatch": "Công văn",
    "scheme": "Đề án",
}

_LETTERS = "A-Za-zĐđƯưƠơÂâÊêÔôĂă"
# A code: digits, optionally more digit groups (/2019), then letter groups (-NQ/TU, /NĐ-CP).
_CODE = rf"\d+(?:[/.]\d+)*(?:[-/][{_LETTERS}0-9]+)*"
_TYPE_ALT = "|".join(sorted((re.escape(t).replace(r"\ ", r"\s+") for t in DOC_TYPES),
                            key=len, reverse=True))
_REFERENCE_RE = re.compile(
    rf"\b(?P<type>(?i:{_TYPE_ALT}))\s+(?:(?i:No|Number)\.?|#)\s*(?P<code>{_CODE})(?![\w/-])")
# A bare code must hold at least one upper-case letter group: 06-NQ/TU, 21/2019/NĐ-CP.
_BARE_CODE_RE = re.compile(
    rf"(?<![\w/-])\d+(?:[/.-]\d+)*(?:[-/][A-ZĐƯƠÂÊÔĂ][{_LETTERS}]*)+"
    rf"(?:[-/][{_LETTERS}0-9]+)*(?![\w/-])")


@dataclass(frozen=True)
class Reference:
    """A document reference found in English text, with its Vietnamese rendering."""

    start: int
    end: int
    text: str
    doc_type: str
    code: str

    @property
    def target(self) -> str:
        return f"{DOC_TYPES[_type_key(self.doc_type)]} số {self.code}"

    @property
    def variants(self) -> tuple[str, ...]:
        """Accepted alternatives: Vietnamese press often drops "số"."""
        return (f"{DOC_TYPES[_type_key(self.doc_type)]} {self.code}",)


def _type_key(doc_type: str) -> str:
    return " ".join(doc_type.lower().split())


_REFERENCE_HINT = re.compile(r"(?i:\bno\b|\bnumber\b|#)")


def find_references(text: str) -> list[Reference]:
    """Find "<Type> No. <code>" references in English text."""
    if not _REFERENCE_HINT.search(text):     # the alternation of every type is costly
        return []
    return [Reference(m.start(), m.end(), m.group(), m.group("type"), m.group("code"))
            for m in _REFERENCE_RE.finditer(text)]


@dataclass(frozen=True)
class Code:
    """A code or number token that must survive translation."""

    start: int
    end: int
    text: str


_HAS_DIGIT = re.compile(r"\d")


def find_codes(text: str) -> list[Code]:
    """Find document codes (digits plus upper-case letter groups) that must be byte-exact."""
    return list(_find_codes(text))


@lru_cache(maxsize=4096)
def _find_codes(text: str) -> tuple[Code, ...]:
    """find_codes, cached: every check of a segment asks for the same text's codes."""
    if not _HAS_DIGIT.search(text):
        return ()
    found = {(m.start(), m.end()): Code(m.start(), m.end(), m.group())
             for m in _BARE_CODE_RE.finditer(text)}
    for ref in find_references(text):
        # A reference's code may be purely numeric ("Resolution No. 5"); keep it too.
        start = ref.end - len(ref.code)
        if not any(s <= start < e for s, e in found):
            found[(start, ref.end)] = Code(start, ref.end, ref.code)
    return tuple(sorted(found.values(), key=lambda c: c.start))


#: Code-shaped tokens that need not start with a digit: letter/digit groups joined by
#: "/", "-", "." or "," with at least one "/" and an upper-case group of two or more
#: letters ("No-KL/TWL/TWL", "Ren-Q/TU", "tám-KL/TWL/TW": any letters, tone marks too).
#: "và/hoặc" and "km/h" are not code-shaped.
_FRAGMENT_RE = re.compile(r"(?<![\w/-])[^\W_]+(?:[-/.,][^\W_]+)+(?![\w/-])")
_UPPER_GROUP = re.compile(r"[A-ZĐ]{2,}")


def find_code_fragments(text: str) -> list[Code]:
    """Code-shaped tokens of *text* ("06-NQ/TU", "No-KL/TWL/TWL/Ph"), whether or not they
    start with a digit: what a model invents when it stutters through a code."""
    if "/" not in text:
        return []
    out = []
    for m in _FRAGMENT_RE.finditer(text):
        token = m.group().rstrip(".,")
        if "/" in token and _UPPER_GROUP.search(token):
            out.append(Code(m.start(), m.start() + len(token), token))
    return out


def stray_code_parts(source: str, target: str) -> list[Code]:
    """Letter groups of the source's codes ("NQ" and "TU" of "06-NQ/TU") that stand in
    *target* outside every code and code-shaped token, more often than they stand in
    *source* outside its codes: the pieces a model scatters when it cannot copy a code
    whole ("cộng đồng-NQ (TU)"), which have no slash to look code-shaped."""
    source_codes = find_codes(source)
    groups = sorted({g for c in source_codes for g in _UPPER_GROUP.findall(c.text)})
    if not groups:
        return []
    target_codes = find_codes(target) + find_code_fragments(target)
    out = []
    for group in groups:
        pattern = re.compile(rf"(?<![^\W\d_]){re.escape(group)}(?![^\W\d_])")
        allowed = len(_outside(pattern, source, source_codes))
        out += [Code(m.start(), m.end(), group)
                for m in _outside(pattern, target, target_codes)[allowed:]]
    return sorted(out, key=lambda c: c.start)


def _outside(pattern: re.Pattern[str], text: str, codes: list[Code]) -> list[re.Match[str]]:
    return [m for m in pattern.finditer(text)
            if not any(c.start <= m.start() and m.end() <= c.end for c in codes)]


def contains_code(text: str, code: str) -> bool:
    """Whether *code* occurs byte-exact in *text* as a whole token."""
    return re.search(rf"(?<!\w){re.escape(code)}(?!\w)", text) is not None


_NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th)\b", re.IGNORECASE)


MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december")
#: English month names as a regular-expression alternation: full, and abbreviated with an
#: optional dot ("Feb.", "Sept").
MONTH_NAMES_EN = "|".join([m.capitalize() for m in MONTHS_EN]
                          + [m[:3].capitalize() + r"\.?" for m in MONTHS_EN if len(m) > 3]
                          + [r"Sept\.?"])
_ORDINAL_DAY = re.compile(rf"\b(?:{MONTH_NAMES_EN})\s+(?P<after>\d{{1,2}})(?:st|nd|rd|th)\b"
                          rf"|\b(?P<before>\d{{1,2}})(?:st|nd|rd|th)\s+(?:of\s+)?"
                          rf"(?:{MONTH_NAMES_EN})\b")


def ordinal_days(text: str) -> list[Code]:
    """The digits of a date's day written as an ordinal ("May 17th", "17th of May"): a
    number the translation must keep ("ngày 17"), although other ordinals are words."""
    out = []
    for m in _ORDINAL_DAY.finditer(text):
        group = "after" if m.group("after") else "before"
        out.append(Code(m.start(group), m.end(group), m.group(group)))
    return out


def find_numbers(text: str, exclude: list[Code] | None = None) -> list[Code]:
    """Find plain numbers (not ordinals, not inside codes) in *text*."""
    blocked = [(c.start, c.end) for c in exclude or []]
    blocked += [(m.start(), m.end()) for m in _ORDINAL_RE.finditer(text)]
    result = []
    for m in _NUMBER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in blocked):
            continue
        result.append(Code(m.start(), m.end(), m.group()))
    return result


@lru_cache(maxsize=65_536)
def number_readings(token: str) -> frozenset[str]:
    """Every value a number token may denote under English or Vietnamese conventions.

    "1,436" (English thousands) and "1.436" (Vietnamese thousands) both read
    as 1436; "9.6" and "9,6" both read as 9.6; "96" reads only as 96. A source
    number is matched when the two sides share a reading.
    """
    readings: set[str] = set()
    for dec, thou in ((".", ","), (",", ".")):
        if token.count(dec) > 1:
            continue
        int_part, _, frac = token.partition(dec)
        groups = int_part.split(thou)
        if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3
                                or any(len(g) != 3 for g in groups[1:])):
            continue
        readings.add("".join(groups) + (f".{frac}" if frac else ""))
    return frozenset(readings or {token})


_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
_WORD_RE = re.compile(r"[A-Za-z]+")


def _numbered(words: str, first: int = 1, step: int = 1) -> dict[str, int]:
    return {w: first + step * i for i, w in enumerate(words.split())}


#: English words that a Vietnamese translation may legitimately write as digits.
_WORD_VALUES: dict[str, int] = {
    **_numbered("zero one two three four five six seven eight nine ten eleven twelve "
                "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty", 0),
    **_numbered("thirty forty fifty sixty seventy eighty ninety", 30, 10),
    **_numbered("first second third fourth fifth sixth seventh eighth ninth tenth"),
    **_numbered("january february march april may june july august september october "
                "november december"),
    **_numbered("jan feb mar apr may jun jul aug sep oct nov dec"),
    "sept": 9, "dozen": 12, "hundred": 100, "thousand": 1000, "half": 50, "once": 1,
    "twice": 2, "single": 1, "double": 2, "pair": 2, "decade": 10, "century": 100,
    "quarter": 4, "week": 7,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}


def _value(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


# Clock times: "2.50am", "2:50 p.m.", "0050 GMT" in English; "2:50", "2h50" in Vietnamese.
_TIME_EN = re.compile(r"\b(\d{1,2})(?:\.(\d{2})\s?(?:[ap]\.?m\b\.?)|:(\d{2})"
                      r"(?:\s?[ap]\.?m\b\.?)?)"
                      r"|\b([01]\d|2[0-3])([0-5]\d)(?=\s?(?:GMT|UTC)\b)", re.IGNORECASE)
_TIME_VI = re.compile(r"(?<![\d.,])(\d{1,2})(?:[:h](\d{2})(?!\d)|\s+giờ\s+(\d{1,2})"
                      r"(?:\s+phút)?)")
# "2006-07": the second year abbreviated; a translation may write it in full (2006-2007).
_YEAR_SPAN = re.compile(r"\b(\d{2})\d{2}[-–/](\d{2})\b")


@dataclass(frozen=True)
class NumberUnit:
    """A number or a clock time in a text, with every value it may denote."""

    start: int
    end: int
    text: str
    readings: frozenset[str]


#: What every clock time above contains: a cheap test that skips both patterns for most texts.
_CLOCKISH = re.compile(r"\d[:.h]\d\d|\d\d\s?(?:GMT|UTC)|\d\s+giờ", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _times(text: str, pattern: re.Pattern[str]) -> tuple[NumberUnit, ...]:
    """Clock times of *text* (cached: the source side asks twice per segment)."""
    if not _CLOCKISH.search(text):
        return ()
    units = []
    for m in pattern.finditer(text):
        parts = [g for g in m.groups() if g is not None]
        hours, minutes = parts[0], parts[1]
        units.append(NumberUnit(m.start(), m.end(), m.group(),
                                frozenset({f"t{int(hours)}:{int(minutes):02d}"})))
    return tuple(units)


def source_numbers(text: str) -> list[NumberUnit]:
    """Clock times, then numbers outside codes and times, of English *text*."""
    times = _times(text, _TIME_EN)
    blocked = [Code(t.start, t.end, t.text) for t in times] + find_codes(text)
    years = {m.start(2): m.group(1) + m.group(2) for m in _YEAR_SPAN.finditer(text)}
    units = list(times)
    days = [d for d in ordinal_days(text)
            if not any(b.start <= d.start < b.end for b in blocked)]
    for n in sorted(find_numbers(text, blocked) + days, key=lambda c: c.start):
        readings = number_readings(n.text) | ({years[n.start]} if n.start in years else set())
        units.append(NumberUnit(n.start, n.end, n.text,
                                frozenset(readings | _scaled(text, n.end, readings))))
    return units


def _scaled(text: str, end: int, readings: AbstractSet[str]) -> set[str]:
    """"3 million": the values 3 × 10⁶ as well (a translation may write 3.000.000)."""
    after = _WORD_RE.match(text, end + 1) if text[end:end + 1] == " " else None
    if after is None or after.group().lower() not in _SCALES:
        return set()
    scale = _SCALES[after.group().lower()]
    scaled = set()
    for reading in readings:
        try:
            scaled.add(_value(float(reading) * scale))
        except ValueError:
            continue
    return scaled


def target_numbers(text: str) -> list[NumberUnit]:
    """Clock times, then every digit run outside codes and times, of a translation.

    Digit runs, not word-bounded numbers: "3mm" holds 3, and "14vv24" holds 14 and 24.
    """
    return list(_target_numbers(text))


@lru_cache(maxsize=4096)
def _target_numbers(text: str) -> tuple[NumberUnit, ...]:
    """target_numbers, cached: the missing and the added-number checks both ask."""
    if not _HAS_DIGIT.search(text):
        return ()
    both = _times(text, _TIME_VI) + _times(text, _TIME_EN)
    times = [t for k, t in enumerate(both)
             if not any(o.start < t.end and t.start < o.end for o in both[:k])]
    blocked = [(t.start, t.end) for t in times] + [(c.start, c.end) for c in find_codes(text)]
    units = list(times)
    for m in _DIGITS_RE.finditer(text):
        if not any(s <= m.start() < e for s, e in blocked):
            units.append(NumberUnit(m.start(), m.end(), m.group(),
                                    number_readings(m.group())))
    return tuple(sorted(units, key=lambda u: u.start))


def source_number_values(text: str) -> list[AbstractSet[str]]:
    """Every value the English *text* licenses a translation to write in digits.

    Digit runs (inside codes, ordinals and words too: "1990s", "14th"), number,
    ordinal and month words ("February" licenses 2), and scaled amounts
    ("3 million" licenses 3 and 3000000). Generous on purpose: a number in the
    translation is only reported as invented when nothing in the source explains it.
    """
    values: list[AbstractSet[str]] = [t.readings for t in _times(text, _TIME_EN)]
    values += [{m.group(1) + m.group(2)} for m in _YEAR_SPAN.finditer(text)]
    for m in _DIGITS_RE.finditer(text):
        readings = number_readings(m.group())
        values.append(readings)
        scaled = _scaled(text, m.end(), readings)
        if scaled:
            values.append(scaled)
    for word in _WORD_RE.findall(text.lower()):
        if word in _WORD_VALUES:
            values.append({str(_WORD_VALUES[word])})
        elif word.endswith("s") and word[:-1] in _WORD_VALUES:     # "hundreds", "thirties"
            values.append({str(_WORD_VALUES[word[:-1]])})
    return values


def added_numbers(source: str, target: str) -> list[NumberUnit]:
    """Numbers and times of *target* that no value of *source* accounts for (each value
    used once); digit runs inside codes are left to the code check."""
    available = source_number_values(source)
    extra: list[NumberUnit] = []
    for unit in target_numbers(target):
        for k, other in enumerate(available):
            if unit.readings & other:
                del available[k]
                break
        else:
            extra.append(unit)
    return extra
