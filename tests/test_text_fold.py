from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avimcite import textfold

TURKISH_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"
turkish_text = st.text(alphabet=TURKISH_ALPHABET + " -'", max_size=40)


@pytest.mark.parametrize(
    ("query", "text"),
    [("kilic", "Kılıç"), ("istanbul", "İSTANBUL"), ("ISIK", "Işık"), ("sarkisyan'in", "SARKİSYAN’IN"),
     ("hakim", "HÂKİM"), ("ogutcu", "ÖĞÜTCÜ"), ("Kılıç", "KILIC")],
)  # fmt: skip
def test_fold_makes_these_equal(query, text):
    assert textfold.fold(query) == textfold.fold(text)


@pytest.mark.parametrize(
    ("word", "lang", "upper"),
    [("Şir", "tr", "ŞİR"), ("Kılıç", "tr", "KILIÇ"), ("Işık", "tr", "IŞIK"), ("istanbul", "tr", "İSTANBUL"),
     ("Kuzio", "en", "KUZIO"), ("Dilaver", "tr", "DİLAVER"), ("Dilaver", "en", "DILAVER")],
)  # fmt: skip
def test_upper_by_language(word, lang, upper):
    assert textfold.upper(word, lang) == upper


@pytest.mark.parametrize(
    ("word", "lang", "titled"),
    [("KILIÇ", "tr", "Kılıç"), ("DİLAVER", "tr", "Dilaver"), ("KUZIO", "en", "Kuzio"), ("IŞIK", "tr", "Işık"),
     ("ÖZ-KAYA", "tr", "Öz-Kaya")],
)  # fmt: skip
def test_title_word(word, lang, titled):
    assert textfold.title_word(word, lang) == titled


@given(turkish_text)
def test_turkish_upper_then_lower_round_trips_lowercase_text(text):
    lowered = textfold.lower(text, "tr")
    assert textfold.lower(textfold.upper(lowered, "tr"), "tr") == lowered


@given(turkish_text)
def test_turkish_casing_keeps_the_length_and_the_dots(text):
    up = textfold.upper(text, "tr")
    assert len(up) == len(text)
    assert up.count("İ") == text.count("i") + text.count("İ")
    assert up.count("I") == text.count("ı") + text.count("I")


@given(turkish_text)
def test_fold_ignores_case_by_either_language(text):
    key = textfold.fold(text)
    assert textfold.fold(textfold.upper(text, "tr")) == key
    assert textfold.fold(textfold.lower(text, "tr")) == key
    assert textfold.fold(text.upper()) == key
    assert textfold.fold(key) == key
    assert key.isascii()


@given(st.text(max_size=40))
def test_fold_is_idempotent_on_any_text(text):
    assert textfold.fold(textfold.fold(text)) == textfold.fold(text)


@given(st.text(max_size=60) | turkish_text)
def test_fast_fold_agrees_with_the_reference_fold(text):
    assert textfold.fold(text) == textfold.fold_reference(text)
