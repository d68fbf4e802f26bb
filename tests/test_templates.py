"""The template library, its checks, rendering and the choice of a template."""

import datetime as dt
import re

import pandas as pd
import pytest

from kakobuy_xl import templates as t
from kakobuy_xl.schema import INTENTS, LANGUAGES

REQUIRED_SCENARIOS = {
    "order_confirmation", "payment_received", "shipped_tracking", "delivery_delay_apology",
    "customs_delay", "proactive_delay_notice", "damaged_item", "wrong_item", "missing_item",
    "quality_complaint", "refund_offer", "partial_refund_offer", "free_reship_offer",
    "reship_copay_offer", "return_instructions", "settlement_confirmation", "follow_up",
    "satisfaction_survey", "group_buy_update", "product_answer", "clarification_request",
    "negative_review_recovery", "coupon_offer", "group_buy_delay_notice",
}


@pytest.fixture(scope="module")
def library():
    return t.shipped_library()


def test_library_covers_every_scenario_in_every_language(library):
    assert REQUIRED_SCENARIOS <= set(t.scenarios())
    have = set(zip(library["scenario"], library["language"]))
    missing = [(s, lang) for s in t.scenarios() for lang in LANGUAGES if (s, lang) not in have]
    assert missing == []
    assert len(library) == len(t.scenarios()) * len(LANGUAGES)
    assert (len(t.scenarios()), len(library)) == (28, 476)


def test_shipped_library_passes_its_own_checks(library):
    problems = t.check_library(library)
    assert problems.empty, problems.head(20).to_string()


def test_every_intent_has_a_scenario_written_for_it():
    # Not the clarification fallback: a scenario that names the intent.
    for intent in INTENTS:
        assert intent in t.scenarios()[t.scenario_for_intent(intent)].intents, intent


def test_name_fallbacks_are_written_in_the_template_language(library):
    # A fallback left in English inside a Korean reply would read as a mistake.
    for body, lang in zip(library["body"], library["language"]):
        for m in t.PLACEHOLDER.finditer(body):
            if m.group(1) in ("customer_name", "seller_name"):
                assert m.group(2), f"{lang}: {{{m.group(1)}}} needs a fallback"
                if lang != "en":
                    assert m.group(2).strip().lower() not in ("there", "customer", "the team"), lang


def test_no_english_left_in_translations(library):
    english = re.compile(r"\b(?:the|your|order|please|thank|sorry|refund|tracking)\b", re.I)
    for body, lang, tid in zip(library["body"], library["language"], library["template_id"]):
        if lang == "en":
            continue
        text = t.PLACEHOLDER.sub("", body)
        text = re.sub(r"https?://\S+", "", text)
        assert not english.search(text), f"{tid}: {english.search(text).group(0)!r}"


@pytest.mark.parametrize("lang,marker", [("ja", "様"), ("ko", "니다"),
                                         ("de", r"\b(?:Sie|Ihnen|Ihre?[mnrs]?)\b"),
                                         ("fr", r"\b(?:vous|votre|vos)\b")])
def test_polite_register(library, lang, marker):
    bodies = library.loc[library["language"] == lang, "body"]
    share = bodies.str.contains(marker, regex=True).mean()
    assert share >= 0.8, f"{lang}: only {share:.0%} of templates use {marker}"


def test_render_fills_values_and_fallbacks():
    r = t.render("Hi {customer_name|there}, order {order_id}.", {"order_id": "A-1"}, "en")
    assert r.text == "Hi there, order A-1." and r.missing == []


def test_render_reports_missing_and_never_raises():
    r = t.render("Track {tracking_no} with {carrier}.", {"carrier": "DHL"}, "en")
    assert r.text == "Track [tracking_no] with DHL." and r.missing == ["tracking_no"]
    assert t.render(None, {}, "en").missing == ["body"]  # type: ignore[arg-type]


def test_values_are_never_read_as_placeholders():
    r = t.render("Dear {customer_name}", {"customer_name": "{order_id} =1+1"}, "en")
    assert r.text == "Dear {order_id} =1+1"


@pytest.mark.parametrize("lang,country,currency,expected", [
    ("en", None, "USD", "$1,250.50"),
    ("de", None, "EUR", "1.250,50\xa0€"),
    ("fr", None, "EUR", "1\u202f250,50\xa0€"),
    ("ja", None, "JPY", "￥1,250"),
    ("en", "GB", "GBP", "£1,250.50"),
])
def test_money_is_formatted_for_the_locale(lang, country, currency, expected):
    assert t.render("{amount}", {"amount": 1250.5}, lang, country=country,
                    currency=currency).text == expected


def test_dates_and_percent_follow_the_locale():
    values = {"eta": dt.date(2025, 7, 4), "discount": 10}
    assert t.render("{eta} {discount}", values, "de").text == "4. Juli 2025 10\xa0%"
    assert t.render("{eta}", values, "ja").text == "2025年7月4日"
    assert t.render("{eta}", {"eta": pd.Timestamp("2025-07-04 10:00")}, "en").text == \
        "July 4, 2025"


def test_unknown_currency_keeps_its_code_next_to_the_number():
    assert t.render("{amount}", {"amount": 5.0}, "en", currency="xyz").text == "XYZ5.00"


def test_body_problems_name_what_is_wrong():
    problems = t.body_problems("Hi {nmae}, parcel {tracking_no} } ", "shipped_tracking")
    assert "unknown placeholder {nmae}" in problems
    assert "a brace that is not part of a {placeholder}" in problems
    assert "missing placeholder {order_id}, {carrier}" in problems
    assert t.body_problems("", None) == ["the Body is empty"]


def test_check_library_finds_duplicates_and_gaps():
    frame = pd.DataFrame({
        "template_id": ["a", "A ", "b"], "scenario": ["follow_up"] * 3,
        "language": ["en", "en", "xx"], "body": ["Hi {order_id}"] * 3,
    })
    problems = t.check_library(frame)
    assert (problems["problem"] == "the Template ID is used twice").sum() == 1
    assert "unknown language 'xx'" in set(problems["problem"])
    assert "no template for scenario 'thank_you' in 'ko'" in set(problems["problem"])


@pytest.mark.parametrize("pref,det,seller,avail,expected", [
    ("ko", "en", "zh", ["ko", "en", "zh"], "ko"),
    (None, "ko", "zh", ["ko", "en", "zh"], "ko"),
    ("xx", "und", "zh", ["ko", "en", "zh"], "zh"),
    (None, None, "th", ["en"], "en"),
    (None, None, None, [], None),
])
def test_language_order(pref, det, seller, avail, expected):
    assert t.choose_language(avail, pref, det, seller)[0] == expected


def _frame(rows):
    return pd.DataFrame(rows, columns=["template_id", "scenario", "language", "body",
                                       "keywords", "custom"])


def test_suggestion_prefers_the_users_own_template_and_says_why():
    frame = _frame([
        ["shipped_tracking-en", "shipped_tracking", "en", "Shipped {order_id}", "", "no"],
        ["mine", "shipped_tracking", "en", "My words {order_id}", "", "yes"],
        ["shipped_tracking-ko", "shipped_tracking", "ko", "배송 {order_id}", "배송", "no"],
    ])
    index = t.TemplateIndex(frame)
    s = t.suggest_one(index, "where is my order", "order_status", 0.9, False, detected="en")
    assert s.template_id == "mine" and "your own template" in s.reason
    s = t.suggest_one(index, "배송 언제 와요?", "order_status", 0.9, False, detected="ko")
    assert (s.template_id, s.language) == ("shipped_tracking-ko", "ko")
    assert "the language of the message" in s.reason and "배송" in s.reason
    assert s.score > 0.9


def test_unclear_or_late_messages_change_the_scenario():
    assert t.scenario_for_intent("order_status", delayed=True) == "delivery_delay_apology"
    assert t.scenario_for_intent("refund_request", clarify=True) == "clarification_request"
    assert t.scenario_for_intent(None) == "clarification_request"


def test_suggest_templates_over_a_column(library):
    texts = pd.Series(["where is my parcel?", "배송이 너무 늦어요", None], index=[5, 6, 7])
    out = t.suggest_templates(
        library, texts, pd.Series(["order_status", "delivery_delay", None], index=texts.index),
        pd.Series([0.9, 0.8, None], index=texts.index),
        pd.Series(["no", "no", "yes"], index=texts.index),
        detected=pd.Series(["en", "ko", "und"], index=texts.index), seller_language="en")
    assert list(out.index) == [5, 6, 7]
    assert out.loc[5, "template_id"] == "shipped_tracking-en"
    assert out.loc[6, "template_id"] == "delivery_delay_apology-ko"
    assert out.loc[7, "scenario"] == "clarification_request"


def test_sheet_rows_use_the_contract_headers(library):
    rows = t.sheet_rows()
    assert len(rows) == len(library)
    assert {"Template ID", "Scenario", "Language", "Body", "Custom", "Version",
            "Updated"} <= set(rows[0])
    assert rows[0]["Custom"] == "no" and isinstance(rows[0]["Updated"], dt.date)


NEW_WORDING = ("satisfaction_survey", "coupon_offer", "group_buy_delay_notice")


def test_new_wording_passes_the_tone_check(library):
    from kakobuy_xl.tone import check_tone

    part = library[library["scenario"].isin(NEW_WORDING)]
    assert len(part) == 3 * len(LANGUAGES)
    flagged = {tid: [f.short for f in check_tone(body, lang)] for tid, body, lang in
               zip(part["template_id"], part["body"], part["language"])}
    assert {k: v for k, v in flagged.items() if v} == {}


def test_survey_wording_is_a_newer_version(library):
    # Workbooks holding the old "rate us via the link" body get it with init --repair.
    survey = library[library["scenario"] == "satisfaction_survey"]
    assert (survey["version"] == 2).all()
    assert (library.loc[library["scenario"] != "satisfaction_survey", "version"] == 1).all()
    words = survey["body"].map(lambda body: t.PLACEHOLDER.sub("", body))
    assert not words.str.contains("link", case=False).any()      # nothing about a link


def test_coupon_offer_falls_back_where_values_are_missing(library):
    body = library.set_index("template_id").loc["coupon_offer-en", "body"]
    r = t.render(body, {"order_id": "A-1", "discount": 10, "customer_name": "Ana"}, "en")
    assert r.missing == []
    assert r.text.index("apologise") < r.text.index("coupon")     # apology first
    assert "Coupon code: we will send it to you in a separate message" in r.text
    assert "Discount: 10%" in r.text
    body = library.set_index("template_id").loc["coupon_offer-de", "body"]
    r = t.render(body, {"order_id": "A-1", "coupon": "SORRY-5", "amount": 5.0,
                        "deadline": dt.date(2025, 7, 4)}, "de", currency="EUR")
    assert "Gutscheincode: SORRY-5" in r.text and "Wert: 5,00\xa0€" in r.text
    assert "Gültig bis: 4. Juli 2025" in r.text and "Rabatt: siehe Angaben" in r.text


def test_group_buy_delay_notice_in_japanese(library):
    body = library.set_index("template_id").loc["group_buy_delay_notice-ja", "body"]
    r = t.render(body, {"group_buy_id": "GB-7", "days": 5, "progress": "4件中3件発送済み",
                        "eta": dt.date(2025, 7, 4)}, "ja")
    assert r.missing == [] and "皆様" in r.text and "GB-7" in r.text
    assert "5日ほどの遅れ" in r.text and "2025年7月4日" in r.text
    assert "個別のメッセージでクーポン" in r.text           # the {coupon} fallback
