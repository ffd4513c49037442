from __future__ import annotations

import unicodedata

import pytest

from glossary.normalize import (
    ToneStyle,
    convert_tone_style,
    count_tone_styles,
    find_suspicious,
    fold_en_token,
    fold_vi_token,
    word_tone_style,
)


@pytest.mark.parametrize(("old", "new"), [
    ("hoà", "hòa"), ("hoá", "hóa"), ("thuý", "thúy"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"),
    ("Uỷ", "Ủy"), ("HOÀ", "HÒA"),
])
def test_tone_styles_fold_to_one_key(old: str, new: str) -> None:
    assert fold_vi_token(old) == fold_vi_token(new)
    assert word_tone_style(old) is ToneStyle.OLD
    assert word_tone_style(new) is ToneStyle.NEW
    assert convert_tone_style(old, ToneStyle.NEW) == new
    assert convert_tone_style(new, ToneStyle.OLD) == old


@pytest.mark.parametrize("word", ["hoàng", "toán", "quý", "quà", "người", "ngoài", "hoa", "tỉnh"])
def test_unambiguous_words_have_no_style(word: str) -> None:
    assert word_tone_style(word) is None
    assert convert_tone_style(word, ToneStyle.OLD) == word


def test_nfd_and_nfc_fold_equal_and_tones_stay_distinct() -> None:
    word = "Nghị"
    assert fold_vi_token(unicodedata.normalize("NFD", word)) == fold_vi_token(word)
    assert fold_vi_token("má") != fold_vi_token("mà") != fold_vi_token("ma")


def test_count_tone_styles_reports_dominant_and_mixed() -> None:
    counts = count_tone_styles(["diễn biến hoà bình", "Ủy ban, thủy lợi, hòa giải"])
    assert (counts.old, counts.new) == (1, 3)
    assert counts.mixed and counts.dominant is ToneStyle.NEW
    assert counts.old_examples == ("hoà",)


@pytest.mark.parametrize(("a", "b"), [
    ("mobilisation", "mobilization"), ("defence", "defense"), ("organisations", "organizations"),
    ("prioritised", "prioritized"), ("centre", "center"), ("programmes", "programs"),
    ("People’s", "people's"),
])
def test_english_spelling_and_punctuation_fold(a: str, b: str) -> None:
    assert fold_en_token(a) == fold_en_token(b)


def test_case_sensitive_english_fold_keeps_case() -> None:
    assert fold_en_token("NDS", case_sensitive=True) != fold_en_token("nds", case_sensitive=True)


@pytest.mark.parametrize(("text", "char", "suggestion"), [
    ("Nghị định số 21/2019/N\u00d0-CP", "\u00d0", "Đ"),
    ("\u00f0ồng", "\u00f0", "đ"),
    ("Vi\u0435t Nam", "\u0435", "e"),        # Cyrillic e inside a Latin word
    ("an\u200bninh", "\u200b", ""),
])
def test_suspicious_characters_are_found_with_a_suggestion(text: str, char: str,
                                                          suggestion: str) -> None:
    found = find_suspicious(text)
    assert [(s.char, s.suggestion) for s in found] == [(char, suggestion)]
    assert found[0].index == unicodedata.normalize("NFC", text).index(char)


def test_genuine_cyrillic_words_and_clean_vietnamese_are_not_flagged() -> None:
    assert find_suspicious("Москва") == []
    assert find_suspicious("Đồng chí Lê Hồng Vinh, Ủy viên Ban Thường vụ Tỉnh ủy") == []
