"""Language detection for ``POST /detect``: English or Vietnamese, nothing else.

The server translates one pair, so telling the two apart is all it needs, and
Vietnamese is easy to tell from English: most Vietnamese words carry a letter
English never uses (ă â đ ê ô ơ ư or a tone mark) and the commonest words of
each language differ. The confidence is the share of the evidence (0–100).
It does not recognise other languages; they come out as whichever is closer.
"""

from __future__ import annotations

import re
import unicodedata

_VI_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}
_VI_WORDS = frozenset((
    "của", "và", "các", "là", "có", "những", "được", "trong", "cho", "không", "người", "này",
    "với", "một", "đã", "để", "tại", "theo", "về", "khi", "từ", "đến", "cũng", "như", "nhiều",
    "nhà", "nước", "ta", "chúng",
))
_EN_WORDS = frozenset((
    "the", "and", "of", "to", "is", "in", "that", "for", "with", "on", "are", "was", "by",
    "as", "at", "be", "this", "from", "it", "an", "or", "have", "has", "not", "were", "which",
    "their", "its",
))
_WORD = re.compile(r"\w+")


def _vietnamese_letters(word: str) -> bool:
    return "đ" in word or any(c in _VI_MARKS for c in unicodedata.normalize("NFD", word))


def detect(text: str) -> list[dict[str, float | str]]:
    """LibreTranslate's answer shape: ``[{"language", "confidence"}]``, best first."""
    words = [w.lower() for w in _WORD.findall(text)]
    vi = sum(1 for w in words if w in _VI_WORDS or _vietnamese_letters(w))
    en: float = sum(1 for w in words if w in _EN_WORDS)
    en += sum(1 for w in words if w.isascii() and w.isalpha() and len(w) > 3) / 2
    total = vi + en
    if not total:
        return [{"language": "en", "confidence": 0.0}]
    scores = {"vi": 100.0 * vi / total, "en": 100.0 * en / total}
    return [{"language": lang, "confidence": round(score, 1)}
            for lang, score in sorted(scores.items(), key=lambda kv: -kv[1])]
