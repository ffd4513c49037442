"""Amounts and dates as values: a number with its scale and unit, a date with its month.

The number check compares digits; "3.5 billion VND" → "3.5" keeps the digits and
loses the meaning, and "On 5 March 2024" → "Vào 5 … 2024 năm" keeps the day and
the year and loses the month. These readers find the English amounts and dates
of a source and say whether a Vietnamese translation still carries their scale,
unit and month, in any of the ways Vietnamese writes them (``3,5 tỷ đồng``,
``3.500.000.000 đồng``, ``tháng 3``, ``tháng Ba``, ``5/3/2024``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from glossary.codes import MONTH_NAMES_EN, MONTHS_EN, number_readings

_NUM = r"\d+(?:[.,]\d+)*"
_SCALE_EN = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
             "trillion": 1_000_000_000_000}
#: Vietnamese scale words, longest first ("nghìn tỷ" is a trillion, not a thousand).
_SCALE_VI = (("nghìn tỷ", 1_000_000_000_000), ("nghìn tỉ", 1_000_000_000_000),
             ("ngàn tỷ", 1_000_000_000_000), ("ngàn tỉ", 1_000_000_000_000),
             ("nghìn", 1_000), ("ngàn", 1_000), ("triệu", 1_000_000), ("tỷ", 1_000_000_000),
             ("tỉ", 1_000_000_000))
_UNITS_EN = {"vnd": "VND", "dong": "VND", "đồng": "VND", "usd": "$", "dollars": "$",
             "dollar": "$", "us dollars": "$", "percent": "%", "per cent": "%", "%": "%",
             "hectares": "ha", "hectare": "ha", "ha": "ha", "tonnes": "t", "tons": "t",
             "tonne": "t", "ton": "t", "kilometres": "km", "kilometers": "km",
             "kilometre": "km", "kilometer": "km", "km": "km"}
#: How a translation may write each unit ("$" stands for any dollar: US$, AU$, C$).
UNITS_VI = {"VND": ("đồng", "VND", "VNĐ", "đ"),
            "$": ("USD", "AUD", "CAD", "đô la", "đô-la", "đôla", "đô", "$"),
            "%": ("%", "phần trăm"),
            "ha": ("ha", "héc-ta", "hécta", "héc ta", "hec-ta", "hecta", "hec ta"),
            "t": ("tấn",),
            "km": ("km", "ki-lô-mét", "ki lô mét", "kilômét", "kilô mét", "kilomet",
                   "cây số")}
_AMOUNT_EN = re.compile(
    rf"(?P<dollar>(?:US|AU|A|C|NZ|HK|S)?\$\s?)?(?P<num>{_NUM})(?:\s?(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?:\s?(?P<unit>%|per cent\b|percent\b|VND\b|dong\b|đồng\b|USD\b|US dollars\b|dollars?\b"
    r"|hectares?\b|ha\b|tonnes?\b|tons?\b|kilomet(?:re|er)s?\b|km\b))?",
    re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """A number with a scale word and/or a unit in an English source."""

    start: int
    end: int
    text: str
    readings: frozenset[str]
    scale: int
    unit: str
    number: str = ""


_SCALE_WORD_VI = {1_000: "nghìn", 1_000_000: "triệu", 1_000_000_000: "tỷ",
                  1_000_000_000_000: "nghìn tỷ"}
_UNIT_WORD_VI = {"VND": "đồng", "$": "USD", "%": "%", "ha": "ha", "t": "tấn", "km": "km"}


def vietnamese_amount(amount: Amount, number: str) -> str:
    """How the translation writes *amount* with its *number* kept byte-exact:
    "9.6 billion VND" → "9.6 tỷ đồng", "$2,000" → "2,000 USD", "20 percent" → "20%"."""
    text = number
    if amount.scale != 1:
        text += f" {_SCALE_WORD_VI[amount.scale]}"
    if amount.unit == "%":
        return text + "%"
    if amount.unit:
        text += f" {_UNIT_WORD_VI[amount.unit]}"
    return text


def _scaled(readings: frozenset[str], scale: int) -> frozenset[str]:
    out = set()
    for reading in readings:
        try:
            value = float(reading) * scale
        except ValueError:
            continue
        out.add(str(int(value)) if value == int(value) else repr(value))
    return frozenset(out)


def source_amounts(text: str) -> list[Amount]:
    """Numbers of *text* that carry a scale ("3.5 billion") or a unit ("5 VND", "$2,000",
    "20 percent"); plain numbers are the number check's."""
    found = []
    for m in _AMOUNT_EN.finditer(text):
        scale = _SCALE_EN.get((m.group("scale") or "").lower(), 1)
        unit = "$" if m.group("dollar") else _UNITS_EN.get((m.group("unit") or "").lower(), "")
        if scale == 1 and not unit:
            continue
        found.append(Amount(m.start(), m.end(), m.group(), number_readings(m.group("num")),
                            scale, unit, m.group("num")))
    return found


_NUM_RE = re.compile(_NUM)


def _after(text: str, end: int, words: int = 4) -> str:
    """The next *words* words after *end*, lower-cased, brackets and quotes dropped."""
    return " ".join(re.sub(r"[()\[\]\"“”'‘’]", " ", text[end:end + 40]).split()[:words]).lower()


def _scale_after(text: str, end: int) -> int:
    tail = _after(text, end, 2)
    for word, value in _SCALE_VI:
        if tail.startswith(word):
            return value
    return 1


def _unit_near(text: str, start: int, end: int, unit: str) -> bool:
    before = text[max(0, start - 4):start]
    if unit == "$" and "$" in before:
        return True
    tail = _after(text, end)
    return any(tail.startswith(form.lower()) or f" {form.lower()}" in f" {tail}"
               for form in UNITS_VI[unit])


def amount_problem(amount: Amount, target: str) -> str | None:
    """What the translation lost of *amount* ("its scale", "its unit"), or None."""
    scaled = _scaled(amount.readings, amount.scale)
    best: str | None = "its value"
    for m in _NUM_RE.finditer(target):
        readings = number_readings(m.group())
        end = m.end()
        if readings & scaled:
            scale_ok = True
        elif readings & amount.readings:
            scale = _scale_after(target, end)
            scale_ok = scale == amount.scale
            if scale != 1:
                end += len(_after(target, end, 2).split()[0]) + 1
        else:
            continue
        unit_ok = not amount.unit or _unit_near(target, m.start(), end, amount.unit)
        if scale_ok and unit_ok:
            return None
        problem = " and ".join(p for p, ok in (("its scale", scale_ok), ("its unit", unit_ok))
                               if not ok)
        if best == "its value" or len(problem) < len(best or ""):
            best = problem
    return None if best == "its value" else best


_DATE_EN = re.compile(rf"(?:\b(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
                      rf"\b(?P<month>{MONTH_NAMES_EN})(?![a-z])"
                      rf"(?:\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b,?)?"
                      rf"(?:\s*,?\s+(?P<year>\d{{4}})\b)?")
_MONTH_VI = ("một|giêng", "hai", "ba", "tư|bốn", "năm", "sáu", "bảy", "tám", "chín", "mười",
             "mười một", "mười hai|chạp")


@dataclass(frozen=True)
class Date:
    """A written date of an English source: at least a month next to a day or a year."""

    start: int
    end: int
    text: str
    month: int
    day: str
    year: str
    month_start: int = 0
    month_end: int = 0


def source_dates(text: str) -> list[Date]:
    """Dates of *text* with a month name beside a day or a year ("5 March 2024",
    "February 5, 2020", "March 2024"); a bare "May" is not a date."""
    out = []
    for m in _DATE_EN.finditer(text):
        day = m.group("day1") or m.group("day2") or ""
        if not (day or m.group("year")):
            continue
        name = m.group("month").rstrip(".").lower()
        month = next(k for k, full in enumerate(MONTHS_EN, 1) if full.startswith(name[:3]))
        text = m.group().rstrip(", ")
        out.append(Date(m.start(), m.start() + len(text), text, month, day,
                        m.group("year") or "", m.start("month"), m.end("month")))
    return out


def month_spellings(month: int, day: str = "", year: str = "") -> re.Pattern[str]:
    """How a Vietnamese translation may write *month* of a date."""
    words = _MONTH_VI[month - 1]
    forms = [rf"tháng\s+0?{month}(?!\d)", rf"tháng\s+(?:{words})(?!\w)"]
    if day:
        forms.append(rf"(?<!\d)0?{int(day)}\s*[/.-]\s*0?{month}(?!\d)")
    if year:
        forms.append(rf"(?<!\d)0?{month}\s*[/.-]\s*{year}")
    return re.compile("|".join(forms), re.IGNORECASE)


def months_missing(source: str, target: str) -> list[Date]:
    """The source dates whose month the translation does not write at all ("from 15 to
    18 December" writes one month for two dates)."""
    return [date for date in source_dates(source)
            if month_spellings(date.month, date.day, date.year).search(target) is None]
