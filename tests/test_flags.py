"""Complaint flags in the 17 product languages."""

from __future__ import annotations

import pandas as pd
import pytest

from kakobuy_xl.nlp.flags import FLAGS, load_patterns, negative_flags

# one realistic complaint per language, with the flags it must raise
COMPLAINTS = {
    "en": ("Package never arrived. Terrible.", {"never arrived"}),
    "es": ("Mi pedido nunca llegó, quiero un reembolso", {"never arrived", "refund"}),
    "fr": ("Le colis est arrivé cassé, je veux être remboursé", {"broken", "refund"}),
    "de": ("Paket ist immer noch nicht angekommen!!", {"never arrived"}),
    "it": ("Il prodotto è arrivato rotto", {"broken"}),
    "pt": ("O produto veio quebrado, quero reembolso", {"broken", "refund"}),
    "nl": ("Pakket is nooit aangekomen, ik wil mijn geld terug", {"never arrived", "refund"}),
    "pl": ("Paczka nie dotarła, chcę zwrot pieniędzy", {"never arrived", "refund"}),
    "ru": ("Посылка так и не пришла, верните деньги", {"never arrived", "refund"}),
    "tr": ("Siparişim gelmedi, para iadesi istiyorum", {"never arrived", "refund"}),
    "ar": ("الطلب لم يصل حتى الآن وأريد استرداد المبلغ", {"never arrived", "refund"}),
    "hi": ("मेरा ऑर्डर नहीं मिला, रिफंड चाहिए", {"never arrived", "refund"}),
    "ja": ("荷物が届かない、返金してください", {"never arrived", "refund"}),
    "ko": ("배송 늦어요 환불해주세요", {"delay", "refund"}),
    "zh": ("还没收到货，我要退款", {"never arrived", "refund"}),
    "th": ("ยังไม่ได้รับของเลย ของแตกด้วย", {"never arrived", "broken"}),
    "vi": ("Tôi chưa nhận được hàng, hoàn tiền đi", {"never arrived", "refund"}),
    "id": ("Barang belum sampai, mau refund", {"never arrived", "refund"}),
}

MORE = [
    ("where is my order?? 2 weeks!!!", {"delay"}),
    ("broken 😡", {"broken"}),
    ("You sent the wrong size, I want to return it", {"wrong item", "return"}),
    ("This is a scam, I will open a dispute with PayPal", {"scam", "chargeback"}),
    ("two parts are missing and the quality is poor. poor quality!", {"missing", "quality"}),
    ("Please cancel my order", {"cancel"}),
    ("I had to pay customs fees", {"customs"}),
    ("壊れていました", {"broken"}),
    ("发错货了，差评", {"wrong item", "bad review"}),
    ("Zamówienie opóźnione o 3 tygodnie", {"delay"}),
]

NEUTRAL = [
    "Hello, what is the price of this?", "Thanks, I received it, great quality!",
    "Buenas tardes, ¿tienen talla M?", "Bonjour, merci beaucoup", "Hallo, wann öffnet ihr?",
    "Ciao, grazie mille", "Olá, obrigado", "Hallo, bedankt", "Dzień dobry, dziękuję",
    "Привет, спасибо", "Merhaba, teşekkürler", "مرحبا شكرا", "नमस्ते धन्यवाद",
    "こんにちは、ありがとうございます", "안녕하세요 감사합니다", "你好，谢谢", "สวัสดีครับ ขอบคุณ",
    "Xin chào, cảm ơn shop", "Halo kak, terima kasih", "Do you ship to Canada?",
    "Can I pay with PayPal?", "The package arrived today, thank you!",
]


def test_lexicon_covers_17_languages_and_known_flags():
    rows = load_patterns()
    langs = {lang for _, lang, _ in rows}
    assert {"en", "es", "fr", "de", "it", "pt", "ja", "ko", "zh", "ru", "ar", "vi", "th", "id",
            "tr", "nl", "pl"} <= langs
    assert {f for f, _, _ in rows} <= set(FLAGS)


@pytest.mark.parametrize("lang", sorted(COMPLAINTS))
def test_flags_found_in_every_language(lang):
    text, expected = COMPLAINTS[lang]
    got = negative_flags(pd.Series([text]), pd.Series([lang])).iloc[0]
    assert expected <= set(got.split("; ")), (lang, text, got)


@pytest.mark.parametrize("text,expected", MORE)
def test_more_flags(text, expected):
    got = negative_flags(pd.Series([text])).iloc[0]
    assert expected <= set(got.split("; ")), (text, got)


def test_no_flags_in_neutral_text():
    got = negative_flags(pd.Series(NEUTRAL))
    assert (got == "").all(), got[got != ""].to_dict()


def test_empty_stays_empty_and_index_kept():
    s = pd.Series(["", None, float("nan"), "   ", "broken"], index=[10, 11, 12, 13, 14])
    got = negative_flags(s)
    assert list(got.index) == [10, 11, 12, 13, 14]
    assert got.tolist() == ["", "", "", "", "broken"]
    assert negative_flags(pd.Series([], dtype=object)).empty


def test_canonical_order_and_separator():
    got = negative_flags(pd.Series(["refund please, it arrived broken"])).iloc[0]
    assert got == "broken; refund"
