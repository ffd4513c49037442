"""Protected spans: format-string placeholders, inline markup, URLs and e-mail addresses.

Software strings carry placeholders that a program fills in at run time
(``%s``, ``%(date)s``, ``%1$d``, ``{name}``, ``{{ user }}``, ``{% if x %}``,
``%{count}``) and inline tags (``<strong>``, ``<br/>``). A translation must
carry each of them byte-exact, no more and no fewer times: ``msgfmt --check``
rejects a c-format msgstr with an extra ``%d``, and ``str.format`` raises on a
stray ``}``. The same spans are protected on the way into the translator and
compared both ways on the way out.

The patterns are written by hand because no library recognises all of these
syntaxes in free text; each is anchored tightly so that ordinary prose
("100% of", "{" in a sentence) is not taken for a placeholder.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

#: PO flags that switch a syntax off (gettext's ``no-*-format``).
_OFF_FLAGS = {"no-c-format": "printf", "no-python-format": "printf",
              "no-python-brace-format": "brace"}

#: Template tags and shortcodes: Jinja/Liquid/Hugo ({{ x }}, {% tag %}, {{< shortcode >}},
#: {{% shortcode %}}) and ERB (<% x %>). Documents keep them verbatim too.
TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<%.*?%>")

_PATTERNS: dict[str, re.Pattern[str]] = {
    "jinja": TEMPLATE_TAG,
    "ruby": re.compile(r"%\{\w+\}|%<\w+>[-+ #0]*\d*(?:\.\d+)?[sdifgexXo]"),
    "printf": re.compile(r"%(?:\(\w+\)|\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                         r"(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[sdiuoxXfFeEgGaAcpr%]"),
    "brace": re.compile(r"\{(?:\w+(?:\.\w+|\[\w+\])*)?(?:![rsa])?(?::[^{}]*)?\}"),
    "tag": re.compile(r"</?[A-Za-z][\w:-]*(?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*"
                      r"\s*/?>"),
    "url": re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]"),
    "email": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\w"),
}

ALL_SYNTAXES = ("icu", *_PATTERNS)


@dataclass(frozen=True)
class Placeholder:
    """One protected span: where it is and which syntax it belongs to."""

    start: int
    end: int
    text: str
    syntax: str


def syntaxes_for_flags(flags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The syntaxes to protect for a PO entry with *flags*.

    Every syntax is protected unless a ``no-*-format`` flag says the entry is
    not a format string: a placeholder copied unchanged is never wrong, one
    translated or dropped breaks the program. An entry that declares its format
    (``python-brace-format``) has only that format's conversions: ``{pct}% of``
    holds no printf ``% o``.
    """
    off = {_OFF_FLAGS[f] for f in flags if f in _OFF_FLAGS}
    declared = set(format_syntaxes(flags))
    if declared:    # a brace-format string has no printf conversions, and the reverse
        off |= {"printf", "brace", "ruby"} - declared
    return tuple(s for s in ALL_SYNTAXES if s not in off)


_ICU_HEAD = re.compile(r"\{\s*\w+\s*,\s*(?:plural|select|selectordinal)\s*,"
                       r"(?:\s*offset:\d+)?")
_ICU_SELECTOR = re.compile(r"\s*(?:=\d+|[\w-]+)\s*\{")


def icu_skeleton(text: str) -> list[Placeholder]:
    """The fixed parts of ICU MessageFormat arguments in *text*.

    In ``{count, plural, one {# article} other {# articles}}`` the head
    (``{count, plural,``), the selectors with their braces (``one {``,
    ``other {``), ``#`` and the closing braces must stay; the texts between them
    are translated. A malformed argument yields no spans (it is left to the
    brace checks).
    """
    spans: list[Placeholder] = []
    at = 0
    while (head := _ICU_HEAD.search(text, at)) is not None:
        found = _icu_argument(text, head)
        if found is None:
            at = head.end()
            continue
        spans += found
        at = found[-1].end
    return spans


def _icu_argument(text: str, head: re.Match[str]) -> list[Placeholder] | None:
    spans = [Placeholder(head.start(), head.end(), head.group(), "icu")]
    i = head.end()
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i < len(text) and text[i] == "}":
            spans.append(Placeholder(i, i + 1, "}", "icu"))
            return spans if len(spans) > 2 else None
        selector = _ICU_SELECTOR.match(text, i)
        if selector is None:
            return None
        start = selector.start() + len(selector.group()) - len(selector.group().lstrip())
        spans.append(Placeholder(start, selector.end(), text[start:selector.end()], "icu"))
        i = selector.end()
        depth = 0
        while i < len(text):
            nested = _ICU_HEAD.match(text, i)
            if nested is not None:
                inner = _icu_argument(text, nested)
                if inner is None:
                    return None
                spans += inner
                i = inner[-1].end
                continue
            ch = text[i]
            if ch == "#" and depth == 0:
                spans.append(Placeholder(i, i + 1, "#", "icu"))
            elif ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    spans.append(Placeholder(i, i + 1, "}", "icu"))
                    i += 1
                    break
                depth -= 1
            i += 1
        else:
            return None


#: Text each syntax cannot match without: most prose has none, and a substring test is
#: far cheaper than running the pattern (checks look for placeholders in every segment).
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "jinja": ("{", "<%"), "ruby": ("%",), "printf": ("%",), "brace": ("{",), "tag": ("<",),
    "url": ("://", "www."), "email": ("@",),
}


def find_placeholders(text: str,
                      syntaxes: tuple[str, ...] = ALL_SYNTAXES) -> list[Placeholder]:
    """Non-overlapping protected spans of *text*, earlier and longer first.

    ``%%`` (a literal percent sign in printf) is recognised so that it is never
    split, but it is a placeholder like any other: it must survive.
    """
    found: list[Placeholder] = list(icu_skeleton(text)) if "icu" in syntaxes else []
    for syntax in _PATTERNS:              # fixed order: jinja before brace, ruby before printf
        if syntax not in syntaxes or not any(t in text for t in _TRIGGERS[syntax]):
            continue
        for m in _PATTERNS[syntax].finditer(text):
            if syntax == "printf" and _is_prose_percent(text, m):
                continue
            if not any(p.start < m.end() and m.start() < p.end for p in found):
                found.append(Placeholder(m.start(), m.end(), m.group(), syntax))
    return sorted(found, key=lambda p: p.start)


def _is_prose_percent(text: str, m: re.Match[str]) -> bool:
    """'50% of', '9.6%.', '{pct}% of', '5 % off': a percent sign after a number or a
    placeholder, or one whose 'conversion' runs on into a word, is prose."""
    if m.group() == "%%":
        return False
    before = text[m.start() - 1] if m.start() > 0 else ""
    runs_on = m.end() < len(text) and text[m.end()].isalpha() and " " in m.group()
    return before.isdigit() or before == "}" or runs_on


@dataclass(frozen=True)
class PlaceholderDiff:
    """Placeholders the translation lacks and those it adds (with counts)."""

    missing: tuple[str, ...]
    added: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.missing or self.added)


def compare_placeholders(source: str, target: str,
                         syntaxes: tuple[str, ...] = ALL_SYNTAXES) -> PlaceholderDiff:
    """Multiset difference of the protected spans of *source* and *target*, byte-exact."""
    src = Counter(p.text for p in find_placeholders(source, syntaxes))
    tgt = Counter(p.text for p in find_placeholders(target, syntaxes))
    missing = tuple((src - tgt).elements())
    added = tuple((tgt - src).elements())
    return PlaceholderDiff(missing, added)


#: Characters that start a directive in a format-string syntax: one outside every
#: placeholder makes ``msgfmt --check`` fail (printf: a lone ``%``) or ``str.format`` raise.
_DIRECTIVE_CHARS = {"printf": "%", "brace": "{}"}


def stray_directive_char(text: str, syntaxes: tuple[str, ...]) -> int | None:
    """Offset of a ``%``/``{``/``}`` that no placeholder of *syntaxes* accounts for, or None.

    Only meaningful for text declared a format string (a PO entry's ``c-format``,
    ``python-format`` or ``python-brace-format`` flag). ``{{``/``}}`` are escaped braces.
    """
    chars = "".join(_DIRECTIVE_CHARS.get(s, "") for s in syntaxes)
    if not chars:
        return None
    blocked = [(p.start, p.end) for p in find_placeholders(text, syntaxes)]
    i = 0
    while i < len(text):
        if any(s <= i < e for s, e in blocked):
            i += 1
        elif "{" in chars and text[i:i + 2] in ("{{", "}}"):
            i += 2
        elif text[i] in chars:
            return i
        else:
            i += 1
    return None


_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "param", "source", "track", "wbr"})
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][\w:-]*)")


def crossed_tag(text: str) -> Placeholder | None:
    """The first closing tag of *text* that closes another element than the innermost open
    one (``<b>Lưu</i> và <i>Đóng</b>``): markup a browser or a document reader repairs
    some other way than the author meant. Void and self-closed tags are left out."""
    stack: list[str] = []
    for tag in find_placeholders(text, ("tag",)):
        m = _TAG_NAME.match(tag.text)
        if m is None or tag.text.endswith("/>") or m.group(2).lower() in _VOID_TAGS:
            continue
        name = m.group(2).lower()
        if not m.group(1):
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
        elif name in stack:
            return tag
    return None


#: Markdown's paired inline delimiters: emphasis and code spans.
MARKDOWN_PAIRS = ("**", "__", "`")


def unpaired_delimiter(source: str, target: str) -> str | None:
    """A Markdown delimiter the source pairs and the translation leaves open
    (``Dùng **chữ đậm``): the rest of the paragraph renders bold or as code."""
    for mark in MARKDOWN_PAIRS:
        count = source.count(mark)
        if count and count % 2 == 0 and target.count(mark) % 2:
            return mark
    return None


def format_syntaxes(flags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The format-string syntaxes a PO entry declares by its flags."""
    declared = {"c-format": "printf", "python-format": "printf", "php-format": "printf",
                "objc-format": "printf", "perl-format": "printf", "sh-format": "printf",
                "python-brace-format": "brace", "ruby-format": "ruby"}
    return tuple(dict.fromkeys(declared[f] for f in flags if f in declared))
