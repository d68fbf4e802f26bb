"""The cultural and tone check of outgoing text."""

import json
from pathlib import Path

import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError
from kakobuy_xl.schema import LANGUAGES
from kakobuy_xl.tone import KINDS, RULES_PATH, check_tone, check_tone_column, load_rules

TEMPLATES = Path(RULES_PATH).parents[1] / "templates"


def kinds(text, language):
    return [(f.kind, f.match) for f in check_tone(text, language)]


def test_every_rule_is_valid_sourced_and_every_language_is_covered():
    rules = load_rules()
    assert {r.kind for r in rules} == set(KINDS)
    assert all(r.message and r.suggestion and r.source for r in rules)
    covered = {r.language for r in rules}
    assert set(LANGUAGES) <= covered and covered <= set(LANGUAGES) | {"*"}


@pytest.mark.parametrize("text, language, expected", [
    ("Hey, you must send it back!!!", "en",
     [("too_casual", "Hey"), ("rude", "you must"), ("too_casual", "!!!")]),
    ("It's your fault, as I said.", "en", [("rude", "It's your fault"), ("rude", "as I said")]),
    ("These are cheap shoes", "en", [("culturally_loaded", "cheap")]),
    ("PLEASE READ THIS NOW", "en", [("rude", "PLEASE READ THIS NOW")]),
    ("Kannst du mir helfen?", "de", [("too_casual", "du")]),
    ("Ein billiges Angebot", "de", [("culturally_loaded", "billiges")]),
    ("Merci pour ta commande", "fr", [("too_casual", "ta")]),
    ("Es muy barato", "es", [("culturally_loaded", "barato")]),
    ("Tudo certo 👌", "pt-BR", [("emoji_gesture", "👌")]),
    ("Tamam 👌", "tr", [("emoji_gesture", "👌")]),
    ("شكراً 👍", "ar", [("emoji_gesture", "👍")]),
    ("Chúc may mắn 🤞", "vi", [("emoji_gesture", "🤞")]),
    ("Спасибо, ты получишь заказ", "ru", [("too_casual", "ты")]),
    ("价格￥1,480，谢谢", "zh", [("unlucky_number", "￥1,480".replace("￥", "¥"))]),
    ("一共250元", "zh", [("unlucky_number", "250")]),
    ("你好，已发货", "zh", [("too_casual", "你")]),
    ("合計1,400円です。山田様", "ja", [("unlucky_number", "1,400円")]),
    ("4個セットです。山田様、よろしくお願いします", "ja", [("unlucky_number", "4個")]),
    ("총 14,000원입니다. 김민수님", "ko", [("unlucky_number", "14,000원")]),
    ("Terima kasih, lu tunggu ya", "id", [("rude", "lu")]),
])
def test_flags(text, language, expected):
    assert kinds(text, language) == expected


def test_missing_honorifics():
    assert kinds("ご注文ありがとうございます。明日発送いたします。", "ja") == \
        [("missing_honorific", "")]
    assert kinds("山田様、ご注文ありがとうございます。明日発送いたします。", "ja") == []
    assert kinds("주문 감사합니다. 내일 발송됩니다.", "ko") == [("missing_honorific", "")]
    assert kinds("{customer_name}님, 주문 감사합니다. 내일 발송됩니다.", "ko") == []
    assert kinds("ขอบคุณสำหรับการสั่งซื้อ จะจัดส่งพรุ่งนี้", "th") == [("missing_honorific", "")]
    assert kinds("ขอบคุณสำหรับการสั่งซื้อ จะจัดส่งพรุ่งนี้ค่ะ", "th") == []
    # short texts and texts in another script are not flagged
    assert kinds("はい", "ja") == []
    assert kinds("Thank you for your order, it ships tomorrow", "ja") == []


@pytest.mark.parametrize("text, language", [
    ("Sehr geehrte Damen und Herren, anbei 4 Stück zum Preis von 14 €.", "de"),
    ("Hello {customer_name|there}, your order {order_id} has shipped with DHL.", "en"),
    ("We wanted to let you know before you have to ask.", "en"),
    ("Nous vous remercions de votre commande.", "fr"),
    ("Le agradecemos su paciencia.", "es"),
    ("Obrigado pela sua compra, total R$ 14,00.", "pt"),   # 4 is fine outside zh/ja/ko
    ("Your total is $14.99 for 4 items.", "en"),
    ("{customer_name}様、1,980円のご注文ありがとうございます。", "ja"),  # 980 pricing is normal
    ("Dziękujemy za zamówienie.", "pl"),
    ("Terima kasih, Kak. Pesanan Anda sudah dikirim.", "id"),
    ("Order LX123456789CN and ORD-2024 ship via UPS.", "en"),
])
def test_no_false_flags(text, language):
    assert check_tone(text, language) == []


def test_language_codes_are_normalised_and_unknown_gets_universal_rules_only():
    assert kinds("Du bist", "DE-at") == [("too_casual", "Du")]
    assert kinds("Du bist!!!", None) == [("too_casual", "!!!")]
    assert kinds("Du bist", "xx") == []


def test_shipped_templates_are_not_flagged():
    checked = 0
    for path in sorted(TEMPLATES.glob("??.json")):
        language = path.stem
        data = json.loads(path.read_text(encoding="utf-8"))
        for t in data.get("templates", []):
            for field in ("subject", "body"):
                found = check_tone(t.get(field, ""), language)
                if field == "subject":  # a subject line is too short to greet anyone
                    found = [f for f in found if f.kind != "missing_honorific"]
                assert found == [], (path.name, t.get("scenario"), field,
                                     [f.short for f in found])
                checked += 1
    assert checked > 0


def test_column_check():
    texts = pd.Series(["Hey there", "Hello", None, "Kannst du?", "Hey there"], index=[5, 6, 7, 8, 9])
    out = check_tone_column(texts, pd.Series(["en", "en", "en", "de", "de"],
                                             index=[5, 6, 7, 8, 9]))
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert out[5] == "too casual 'Hey': Hello / Dear ..."
    assert out[6] == "" and out[7] == ""
    assert out[8] == "too casual 'du': siezen: Sie, Ihnen, Ihr"
    assert out[9] == ""  # "hey" is an English rule only
    both = check_tone_column(pd.Series(["Hey, cheap!!!"]), "en")[0]
    assert both.split("; ") == ["too casual 'Hey': Hello / Dear ...",
                                "culturally loaded 'cheap': affordable / good value / low price",
                                "too casual '!!!': use one exclamation mark at most"]


def test_broken_rules_file_is_explained(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("language,pattern,kind,message,suggestion,source\n"
                   "en,(unclosed,rude,m,s,src\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2 .* broken pattern"):
        load_rules(bad)
    bad.write_text("language,pattern,kind,message,suggestion,source\n"
                   "en,x,nasty,m,s,src\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kind 'nasty'"):
        load_rules(bad)
    bad.write_text("language,pattern\nen,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no column kind"):
        load_rules(bad)


def test_custom_rules_file(tmp_path):
    rules = tmp_path / "rules.csv"
    rules.write_text("language,pattern,kind,message,suggestion,source\n"
                     "en,\\bASAP\\b,too_casual,sounds pushy,as soon as possible,house style\n",
                     encoding="utf-8")
    assert [f.short for f in check_tone("Reply asap", "en", rules)] == \
        ["too casual 'asap': as soon as possible"]
