"""``format: html`` for ``POST /translate``: translate the text of an HTML fragment,
keep its markup.

The fragment is parsed with lxml's HTML parser (never regular expressions). Each
text run (an element's text or a child's tail) is a unit; the contents of
``script``, ``style``, ``code``, ``pre``, ``translate="no"`` and
``class="notranslate"`` elements are left alone, and the whitespace around each
run is kept. Inline elements split a sentence into separate runs, each translated
on its own (a limitation shared with the Markdown reader today).
"""

from __future__ import annotations

from typing import Any

SKIPPED = frozenset({"script", "style", "code", "pre", "kbd", "samp", "var", "textarea"})


def _skipped(element: Any) -> bool:
    tag = getattr(element, "tag", None)
    if not isinstance(tag, str):      # comments and processing instructions
        return True
    return (tag.lower() in SKIPPED or (element.get("translate") or "").lower() == "no"
            or "notranslate" in (element.get("class") or "").split())


class HtmlFragment:
    """A parsed fragment: its translatable runs, and the fragment rebuilt around new ones."""

    def __init__(self, fragment: str) -> None:
        from lxml import html

        self._root = html.fragment_fromstring(fragment, create_parent="div")
        self._slots: list[tuple[Any, str]] = []
        self._visit(self._root, False)
        originals = [getattr(el, attr) or "" for el, attr in self._slots]
        self._wanted = [k for k, text in enumerate(originals) if text.strip()]
        self._originals = originals
        #: The text runs to translate, stripped of their surrounding whitespace.
        self.texts = [originals[k].strip() for k in self._wanted]

    def _visit(self, element: Any, inside_skipped: bool) -> None:
        skip = inside_skipped or _skipped(element)
        if not skip:
            self._slots.append((element, "text"))
        for child in element:
            self._visit(child, skip)
            if not skip:
                self._slots.append((child, "tail"))

    def render(self, translations: list[str]) -> str:
        from lxml import html

        for k, text in zip(self._wanted, translations, strict=True):
            original = self._originals[k]
            lead = original[:len(original) - len(original.lstrip())]
            trail = original[len(original.rstrip()):]
            element, attr = self._slots[k]
            setattr(element, attr, lead + text + trail)
        root = self._root
        return (root.text or "") + "".join(html.tostring(child, encoding="unicode")
                                           for child in root)
