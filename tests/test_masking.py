"""Masking personal data and codes before translation, and putting them back."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kakobuy_xl.nlp.masking import has_words, mask, unmask


@pytest.mark.parametrize("text, hidden", [
    ("Write to anna.lee+shop@example.co.uk please", ["anna.lee+shop@example.co.uk"]),
    ("See https://track.example.com/p?id=9&x=1 now", ["https://track.example.com/p?id=9&x=1"]),
    ("Call +49 30 1234567 today", ["+49 30 1234567"]),
    ("Call (555) 123-4567 today", ["(555) 123-4567"]),
    ("電話 090-1234-5678 まで", ["090-1234-5678"]),
    ("Tracking LX123456789CN shipped", ["LX123456789CN"]),
    ("订单SF1234567890已发货", ["SF1234567890"]),
    ("Order ORD-20250611 is late", ["ORD-20250611"]),
    ("Send to 12 Main Street, Springfield", ["12 Main Street"]),
    ("Bitte an Hauptstraße 5 schicken", ["Hauptstraße 5"]),
    ("Livraison au 12 rue de la Paix, Paris", ["12 rue de la Paix"]),
    ("Envío a Calle Mayor 3, Madrid", ["Calle Mayor 3"]),
    ("Adres: ul. Długa 5/7, Gdańsk", ["ul. Długa 5/7"]),
    ("Адрес: ул. Ленина, д. 5", ["ул. Ленина, д. 5"]),
    ("Kirim ke Jl. Sudirman No. 5", ["Jl. Sudirman No. 5"]),
    ("서울 테헤란로 123 으로 보내주세요", ["테헤란로 123"]),
    ("寄到南京东路100号", ["南京东路100号"]),
    ("Your order {order_id} ships {eta|soon}", ["{order_id}", "{eta|soon}"]),
])
def test_mask_hides_the_value_and_unmask_restores_it(text, hidden):
    masked, tokens = mask(text)
    for value in hidden:
        assert value not in masked
        assert any(value in v for v in tokens.values())  # addresses: best effort edges
    assert "[[1]]" in masked
    assert unmask(masked, tokens) == text


def test_names_are_hidden_whole_and_by_part_but_not_inside_words():
    masked, tokens = mask("Dear Kim Minsu, Minsu said Annabel and Kimchi are fine",
                          names=["Kim Minsu"])
    assert masked == "Dear [[1]], [[2]] said Annabel and Kimchi are fine"
    assert tokens == {1: "Kim Minsu", 2: "Minsu"}
    # CJK names have no spaces around them
    masked, tokens = mask("王伟先生您好", names=["王伟"])
    assert masked == "[[1]]先生您好"


def test_equal_values_share_a_token_in_reading_order():
    a, ta = mask("Order A1234567 for a@x.org, again A1234567")
    b, tb = mask("Order B7654321 for b@y.org, again B7654321")
    assert a == b == "Order [[1]] for [[2]], again [[1]]"
    assert ta == {1: "A1234567", 2: "a@x.org"}
    assert tb[1] == "B7654321"


def test_dates_amounts_and_small_numbers_stay_translatable():
    text = "I paid 1,234.56 on 2025-06-30 at 14:30 for 4 items, 12/06/2025"
    assert mask(text) == (text, {})


def test_text_that_looks_like_a_token_comes_back_verbatim():
    masked, tokens = mask("see [[1]] and [2]")
    assert masked == "see [[1]] and [[2]]"
    assert unmask("voir [[2]] et [[1]]", tokens) == "voir [2] et [[1]]"


@pytest.mark.parametrize("engine_output", [
    "Bestellung [[2]] für [[1]]",          # reordered
    "Bestellung [[ 2 ]] für [ [1] ]",      # spaces
    "Bestellung ［［２］］ für ［［1］］",      # full-width brackets and digits
    "Bestellung 【2】 für 〔1〕",            # CJK brackets, single
])
def test_unmask_tolerates_what_engines_do(engine_output):
    tokens = {1: "anna@example.com", 2: "LX123456789CN"}
    assert unmask(engine_output, tokens) == "Bestellung LX123456789CN für anna@example.com"


def test_a_token_dropped_by_the_engine_is_appended_not_lost():
    assert unmask("Ihre Bestellung ist unterwegs.", {1: "LX123456789CN"}) == \
        "Ihre Bestellung ist unterwegs. (LX123456789CN)"


def test_unknown_token_numbers_are_left_alone():
    assert unmask("x [[7]]", {1: "a"}) == "x [[7]] (a)"


def test_has_words():
    assert not has_words("[[1]] [[2]]!")
    assert has_words("Mail [[1]]")


def test_non_text_passes_through():
    assert mask(None) == (None, {})  # type: ignore[arg-type]
    assert mask("") == ("", {})


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.lists(st.text(min_size=1, max_size=8), max_size=2))
def test_round_trip_on_any_text(text, names):
    masked, tokens = mask(text, names=names)
    assert unmask(masked, tokens) == text
