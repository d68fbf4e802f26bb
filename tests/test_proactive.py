"""Proactive service: delay notices, export, surveys and their answers, follow-ups."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from kakobuy_xl import proactive as p
from kakobuy_xl.errors import ConfigError
from kakobuy_xl.schema import SHEETS
from kakobuy_xl.settings import Settings

T = pd.Timestamp
NOW = T("2025-06-20 10:00")
SELLER = Settings(seller_name="Kakobuy Shop", seller_language="en")


def _customers(*rows: dict) -> pd.DataFrame:
    base = {"customer_id": None, "name": None, "preferred_language": None, "country": None,
            "channel": None, "contact": None, "language_auto": None, "segment": None}
    return pd.DataFrame([{**base, **r} for r in rows], index=range(2, 2 + len(rows)))


def _orders(*rows: dict) -> pd.DataFrame:
    base = {"order_id": None, "customer_id": None, "product": None, "qty": 1,
            "carrier": "Kerry Express", "ship_date": T("2025-06-10"),
            "destination_country": "TH", "expected_delivery": T("2025-06-22"),
            "delivered_date": pd.NaT, "status": "in_transit", "group_buy_id": None}
    frame = pd.DataFrame([{**base, **r} for r in rows], index=range(2, 2 + len(rows)))
    for c in ("ship_date", "expected_delivery", "delivered_date"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def _interactions(*rows: dict) -> pd.DataFrame:
    base = {"interaction_id": None, "timestamp": NOW, "customer_id": None, "channel": None,
            "direction": "in", "handler": None, "order_id": None, "dispute_id": None,
            "message": None, "status": None, "language": None}
    frame = pd.DataFrame([{**base, **r} for r in rows], index=range(2, 2 + len(rows)),
                         columns=list(base))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[ns]")
    return frame


def _disputes(*rows: dict) -> pd.DataFrame:
    base = {"dispute_id": None, "opened_at": T("2025-06-01"), "customer_id": None,
            "order_id": None, "description": None, "status": "resolved", "handler": "Mina",
            "resolved_at": T("2025-06-15"), "csat": float("nan")}
    frame = pd.DataFrame([{**base, **r} for r in rows], index=range(2, 2 + len(rows)))
    for c in ("opened_at", "resolved_at"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


CUSTOMERS = _customers(
    {"customer_id": "C1", "name": "Nok", "preferred_language": "en", "country": "TH",
     "channel": "LINE", "contact": "+66811111111"},
    {"customer_id": "C2", "name": "Yuki", "preferred_language": "ja", "country": "TH",
     "channel": "WhatsApp", "contact": "+66822222222"},
    {"customer_id": "C3", "name": "Jonas", "language_auto": "de", "country": "DE",
     "channel": "Email", "contact": "jonas@example.de"},
    {"customer_id": "C4", "name": "Minh", "preferred_language": "vi", "country": "VN",
     "channel": "WhatsApp", "contact": "+84900000000"},
)

ORDERS = _orders(
    {"order_id": "O1", "customer_id": "C1"},
    {"order_id": "O2", "customer_id": "c1 "},                              # same customer
    {"order_id": "O3", "customer_id": "C1", "status": "delivered"},        # delivered
    {"order_id": "O4", "customer_id": "C2", "carrier": "kerry express"},
    {"order_id": "O5", "customer_id": "C3", "destination_country": "th",
     "delivered_date": T("2025-06-18"), "status": "in_transit"},          # has arrived
    {"order_id": "O6", "customer_id": "C4", "destination_country": "VN"},  # other country
    {"order_id": "O7", "customer_id": "C2", "carrier": "Flash Express"},   # other carrier
    {"order_id": "O8", "customer_id": "C2", "ship_date": T("2025-05-01")},  # before since
    {"order_id": "O9", "customer_id": "C3", "ship_date": pd.NaT, "status": "paid"},  # unshipped
    {"order_id": "O10", "customer_id": "C3", "destination_country": "TH", "ship_date": pd.NaT,
     "status": "shipped"},                                                  # shipped, no date
)


# --------------------------------------------------------------------- affected orders

def test_affected_orders_filter_country_carrier_since_and_exclude_finished():
    mask = p.affected_orders(ORDERS, country="th", carrier="KERRY", since="2025-06-01")
    assert ORDERS.loc[mask, "order_id"].tolist() == ["O1", "O2", "O4", "O10"]


def test_several_countries_and_carrier_contains():
    mask = p.affected_orders(ORDERS, country="TH, vn", carrier="kerry")
    assert ORDERS.loc[mask, "order_id"].tolist() == ["O1", "O2", "O4", "O6", "O8", "O10"]
    flash = p.affected_orders(ORDERS, carrier="flash")
    assert ORDERS.loc[flash, "order_id"].tolist() == ["O7"]


def test_country_falls_back_to_the_customers_country():
    orders = _orders({"order_id": "X1", "customer_id": "C4", "destination_country": None})
    assert p.affected_orders(orders, customers=CUSTOMERS, country="VN").tolist() == [True]
    assert p.affected_orders(orders, country="VN").tolist() == [False]


def test_group_buy_filter_and_a_filter_is_required():
    orders = _orders({"order_id": "G1", "customer_id": "C1", "group_buy_id": "GB-7"},
                     {"order_id": "G2", "customer_id": "C2", "group_buy_id": "GB-8"})
    assert p.affected_orders(orders, group_buy=" gb-7").tolist() == [True, False]
    with pytest.raises(ConfigError, match="country, a carrier or a group buy"):
        p.affected_orders(orders, since="2025-06-01")
    with pytest.raises(ConfigError, match="'yesterday-ish' is not a date"):
        p.affected_orders(orders, country="TH", since="yesterday-ish")


# ------------------------------------------------------------------------ delay notices

def _notices(**kw):
    args = dict(now=NOW, country="TH", carrier="kerry", since="2025-06-01",
                compensation="5% coupon", seller=SELLER)
    args.update(kw)
    return p.delay_notices(ORDERS, CUSTOMERS, None, **args)


def test_one_notice_per_customer_in_their_language():
    batch = _notices()
    d = batch.drafts.set_index("customer_id")
    assert list(d.index) == ["C1", "C2", "C3"]
    assert d.loc["C1", "order_id"] == "O1"
    assert "O1, O2" in d.loc["C1", "message"]                 # both orders in one message
    assert d.loc["C1", "language"] == "en" and d.loc["C1", "channel"] == "LINE"
    assert d.loc["C2", "language"] == "ja" and "配送" in d.loc["C2", "message"]
    assert d.loc["C3", "language"] == "de"                     # detected language
    assert "Bestellung O10" in d.loc["C3", "message"]
    assert set(d["direction"]) == {"out"} and set(d["status"]) == {"draft"}
    assert (d["timestamp"] == NOW).all()
    assert d["interaction_id"].str.match(r"^DN-[0-9a-f]{12}$").all()


def test_placeholders_filled_and_compensation():
    d = _notices().drafts.set_index("customer_id")
    en = d.loc["C1", "message"]
    # New ETA: Expected Delivery 22 June + 7 days; carrier as on the order.
    assert "June 29, 2025" in en and "Kerry Express" in en and "7 days" in en
    assert "[" not in en and d.loc["C1", "missing"] is None
    code = d.loc["C1", "coupon"]
    assert code.startswith("DELAY5-") and f"{code} (-5%)" in en
    assert "2025年6月29日" in d.loc["C2", "message"]
    assert "29. Juni 2025" in d.loc["C3", "message"], d.loc["C3", "message"]
    assert "-5\xa0%" in d.loc["C3", "message"]
    # Codes differ per customer but not per run.
    assert d.loc["C1", "coupon"] != d.loc["C2", "coupon"]
    assert _notices().drafts["coupon"].tolist() == _notices().drafts["coupon"].tolist()


def test_compensation_parsing():
    assert p.parse_compensation("5% coupon") == p.Compensation("percent", 5.0)
    assert p.parse_compensation("7,5 % off").discount == 7.5
    assert p.parse_compensation("US$5 refund") == p.Compensation("text", text="US$5 refund")
    assert p.parse_compensation(None).kind == "none"
    with pytest.raises(ConfigError, match="between 1 and 99"):
        p.parse_compensation("0% coupon")


def test_free_text_and_fixed_coupon_and_no_compensation():
    free = _notices(compensation="free shipping").drafts.set_index("customer_id")
    assert "coupon for your next order: free shipping." in free.loc["C1", "message"]
    fixed = _notices(coupon="SORRY5").drafts
    assert set(fixed["coupon"]) == {"SORRY5"}
    none = _notices(compensation=None)
    assert none.drafts["missing"].eq("coupon").all()
    assert any("No compensation" in n for n in none.notes)


def test_unknown_expected_delivery_and_old_expected_delivery():
    orders = _orders({"order_id": "E1", "customer_id": "C1", "expected_delivery": pd.NaT},
                     {"order_id": "E2", "customer_id": "C2",
                      "expected_delivery": T("2025-06-01")})
    d = p.delay_notices(orders, CUSTOMERS, None, now=NOW, country="TH",
                        compensation="5%", seller=SELLER, delay_days=10).drafts
    assert "to be confirmed by the carrier" in d["message"].iloc[0]
    # Expected Delivery already past: the new estimate counts from today.
    assert "2025年6月30日" in d["message"].iloc[1]


def test_stable_ids_second_run_adds_nothing():
    first = _notices()
    again = _notices()
    assert first.drafts["interaction_id"].tolist() == again.drafts["interaction_id"].tolist()
    sheet = _interactions(*[{"interaction_id": i, "direction": "out", "status": "draft"}
                            for i in first.drafts["interaction_id"]])
    rerun = _notices(interactions=sheet, compensation="10% coupon")
    assert len(rerun) == 0 and sorted(rerun.skipped) == sorted(first.drafts["interaction_id"])
    other = _notices(since="2025-06-05")
    assert set(other.drafts["interaction_id"]).isdisjoint(first.drafts["interaction_id"])


def test_interaction_rows_use_the_sheet_headers():
    rows = _notices().interaction_rows()
    headers = set(SHEETS["Interactions"].headers)
    assert set(rows.columns) <= headers
    assert {"Interaction ID", "Message", "Direction", "Status"} <= set(rows.columns)
    assert rows["Dispute ID"].isna().all()


def test_group_buy_announcement_per_language_and_buyer_notes():
    orders = _orders(
        {"order_id": "G1", "customer_id": "C1", "group_buy_id": "GB-7", "product": "Hoodie",
         "qty": 2},
        {"order_id": "G2", "customer_id": "C2", "group_buy_id": "GB-7", "product": "Cap"},
        {"order_id": "G3", "customer_id": "C4", "group_buy_id": "GB-7", "product": "Bag",
         "destination_country": "VN"},
        {"order_id": "G4", "customer_id": "C3", "group_buy_id": "GB-7", "status": "paid",
         "ship_date": pd.NaT},
        {"order_id": "X1", "customer_id": "C1"})
    batch = p.delay_notices(orders, CUSTOMERS, None, now=NOW, group_buy="GB-7",
                            compensation="5% coupon", seller=SELLER)
    d = batch.drafts
    notes = d[d["kind"] == "delay_notice"].set_index("customer_id")
    assert list(notes.index) == ["C1", "C2", "C4"]             # X1 is not in the group buy
    assert "G1 (Hoodie ×2)" in notes.loc["C1", "message"]
    assert "G2 (Cap)" in notes.loc["C2", "message"]
    ann = d[d["kind"] == "group_announcement"].set_index("language")
    assert sorted(ann.index) == ["en", "ja", "vi"]
    assert ann["customer_id"].isna().all()
    assert "GB-7" in ann.loc["en", "message"] and "3 of 4 orders shipped" in ann.loc["en",
                                                                                      "message"]
    assert "4件中3件発送済み" in ann.loc["ja", "message"]
    assert ann.loc["ja", "members"] == "C2" and ann.loc["ja", "channel"] == "WhatsApp"
    assert ann["interaction_id"].str.startswith("GB-").all()
    assert ann["template_id"].str.startswith("group_buy_delay_notice-").all()
    assert "delayed by an estimated 7 days" in ann.loc["en", "message"]
    # Codes differ per buyer: the announcement points to the personal notices.
    assert "a personal coupon in a separate message" in ann.loc["en", "message"]
    assert ann["missing"].isna().all()


@pytest.mark.parametrize("compensation,coupon,expected", [
    ("5% coupon", "SORRY5", "As an apology for the wait: SORRY5 (-5%)\n"),
    ("free shipping", None, "As an apology for the wait: free shipping\n"),
])
def test_group_buy_announcement_carries_a_shared_compensation(compensation, coupon, expected):
    orders = _orders({"order_id": "G1", "customer_id": "C1", "group_buy_id": "GB-7"})
    batch = p.delay_notices(orders, CUSTOMERS, None, now=NOW, group_buy="GB-7",
                            compensation=compensation, coupon=coupon, delay_days=5,
                            seller=SELLER)
    ann = batch.drafts[batch.drafts["kind"] == "group_announcement"]
    message = ann["message"].iloc[0]
    assert expected in message and "delayed by an estimated 5 days" in message
    assert "1 of 1 orders shipped" in message


def test_users_own_template_wins():
    own = pd.DataFrame([{"template_id": "mine-en", "scenario": "proactive_delay_notice",
                         "language": "en", "subject": "Late: {order_id}",
                         "body": "Sorry {customer_name}, {order_id} is late. {coupon}",
                         "custom": "yes"}])
    mine = p.delay_notices(ORDERS, CUSTOMERS, own, now=NOW, country="TH", carrier="kerry",
                           since="2025-06-01", compensation="free shipping",
                           seller=SELLER).drafts.set_index("customer_id")
    assert mine.loc["C1", "message"] == "Sorry Nok, O1, O2 is late. free shipping"
    assert mine.loc["C1", "template_id"] == "mine-en"
    assert mine.loc["C2", "language"] == "ja"                  # shipped fills the gap
    assert mine.loc["C2", "template_id"] == "proactive_delay_notice-ja"


# ------------------------------------------------------------------------------- export

def test_export_csv_and_text_per_channel(tmp_path):
    batch = _notices()
    evil = batch.drafts.copy()
    evil.loc[evil.index[0], "message"] = "=HYPERLINK(\"http://x\")"
    files = p.export_drafts(evil, tmp_path / "out", stem="delay")
    names = [f.name for f in files]
    assert names == ["delay.csv", "delay-Email.txt", "delay-LINE.txt", "delay-WhatsApp.txt"]
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                      # BOM: Excel reads UTF-8
    with open(files[0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:6] == ["customer", "name", "channel", "contact", "language",
                                 "message"]
    assert rows[0]["message"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["contact"] == "'+66811111111"              # phone kept as text
    assert "配送" in rows[1]["message"] and "\n" in rows[1]["message"]
    whatsapp = (tmp_path / "out" / "delay-WhatsApp.txt").read_text(encoding="utf-8")
    assert whatsapp.startswith("To: Yuki (+66822222222)\n")
    assert whatsapp.rstrip().endswith("----")
    email = (tmp_path / "out" / "delay-Email.txt").read_text(encoding="utf-8")
    assert email.splitlines()[1].startswith("Subject: Hinweis zu Ihrer Bestellung")
    line = (tmp_path / "out" / "delay-LINE.txt").read_text(encoding="utf-8")
    assert "=HYPERLINK" in line and "'=" not in line           # the paste text is verbatim


def test_export_of_an_empty_batch_writes_just_the_csv(tmp_path):
    batch = p.delay_notices(ORDERS, CUSTOMERS, None, now=NOW, country="FR")
    files = p.export_drafts(batch, tmp_path)
    assert [f.name for f in files] == ["drafts.csv"]


def test_neutralise():
    assert [p.neutralise(v) for v in ["=1+1", "+66", "-5", "@x", "ok", None, 3]] == [
        "'=1+1", "'+66", "'-5", "'@x", "ok", None, 3]


# ------------------------------------------------------------------------------ surveys

DISPUTES = _disputes(
    {"dispute_id": "D1", "customer_id": "C1", "order_id": "O1"},                # due
    {"dispute_id": "D2", "customer_id": "C2", "order_id": "O4"},                # due, ja
    {"dispute_id": "D3", "customer_id": "C3", "status": "open", "resolved_at": pd.NaT},
    {"dispute_id": "D4", "customer_id": "C3", "csat": 5},                       # rated
    {"dispute_id": "D5", "customer_id": "C3", "resolved_at": T("2025-06-20 08:00")},  # recent
    {"dispute_id": "D6", "customer_id": "C4", "status": "closed"},              # surveyed
    {"dispute_id": "D7", "customer_id": "C4", "resolved_at": pd.NaT},           # undated
)
SURVEYED = _interactions({"interaction_id": "SV-manual", "dispute_id": "D6",
                          "customer_id": "C4", "direction": "out", "status": "sent"})


def test_survey_drafts_only_for_resolved_unrated_not_yet_surveyed():
    batch = p.survey_drafts(DISPUTES, CUSTOMERS, SURVEYED, None, now=NOW, seller=SELLER)
    d = batch.drafts.set_index("dispute_id")
    assert list(d.index) == ["D1", "D2"]
    assert d.loc["D1", "customer_id"] == "C1" and d.loc["D1", "handler"] == "Mina"
    # Without a survey form, {survey_link} is the whole "reply with a number" sentence.
    assert "\nJust reply to this message with a number from 1 (very unhappy) to 5 (very " \
        "happy).\n" in d.loc["D1", "message"]
    assert "1（とても不満）から5（とても満足）" in d.loc["D2", "message"]
    assert "link" not in d.loc["D1", "message"]
    assert any("Resolved At" in n and "8" in n for n in batch.notes)
    again = p.survey_drafts(DISPUTES, CUSTOMERS, _interactions(
        {"interaction_id": d.loc["D1", "interaction_id"], "dispute_id": "D1",
         "direction": "out"}), None, now=NOW, seller=SELLER)
    assert again.drafts["dispute_id"].tolist() == ["D2", "D6"]


def test_survey_link_carries_a_token_and_never_a_score():
    batch = p.survey_drafts(DISPUTES, CUSTOMERS, SURVEYED, None, now=NOW,
                            survey_url="https://shop.example/rate", survey_key="s3cret")
    message = batch.drafts.set_index("dispute_id").loc["D1", "message"]
    token = p.survey_token("D1", "s3cret")
    assert f"\nTap to rate (it takes a few seconds): https://shop.example/rate?t={token}\n" \
        in message
    assert "reply with a number" not in message
    assert "score" not in message.split("https://")[1].split()[0]
    assert len(token) == 20 and token != p.survey_token("D1") != p.survey_token("D2")
    assert p.survey_link("https://f.example/?id=9&entry={token}", "ab") == \
        "https://f.example/?id=9&entry=ab"


def test_every_language_has_whole_rating_sentences():
    from kakobuy_xl.schema import LANGUAGES
    from kakobuy_xl.templates import render, shipped_library

    lib = shipped_library().set_index("template_id")
    for lang in LANGUAGES:
        rate = p.phrase("rate", lang)
        link = p.phrase("rate_link", lang, url="https://x.example/r?t=1")
        assert rate != p.PHRASES["en"]["rate"] or lang == "en", lang
        assert rate.endswith((".", "。", "ค่ะ")), lang            # a whole sentence
        assert link.endswith("https://x.example/r?t=1"), lang
        body = lib.loc[f"satisfaction_survey-{lang}", "body"]
        assert lib.loc[f"satisfaction_survey-{lang}", "version"] == 2
        # {survey_link} stands on its own line, so either sentence reads right.
        assert "\n{survey_link}\n" in body, lang
        for sentence in (rate, link):
            text = render(body, {"survey_link": sentence}, lang).text
            assert f"\n{sentence}\n" in text and "[" not in text, lang


@pytest.mark.parametrize("text,rating", [
    ("4", 4), (" 5 ", 5), ("4/5", 4), ("4 / 5", 4), ("４", 4), ("４／５", 4), ("3.", 3),
    ("⭐⭐⭐⭐", 4), ("⭐️⭐️", 2), ("★★★★☆", 4), ("★☆☆☆☆", 1), ("4 stars", 4), ("1 star", 1),
    ("5⭐", 5),
    ("0", None), ("6", None), ("10", None), ("12345", None), ("ORD-1004", None),
    ("4 or 5", None), ("cuatro", None), ("☆☆☆☆☆", None), ("thanks 5", None), ("", None),
    (None, None), ("45/5", None),
])
def test_parse_rating(text, rating):
    assert p.parse_rating(text) == rating


def _survey_sheet(*replies: dict) -> pd.DataFrame:
    return _interactions(
        {"interaction_id": "SV-1", "timestamp": T("2025-06-16 09:00"), "customer_id": "C1",
         "dispute_id": "D1", "direction": "out", "status": "sent"},
        {"interaction_id": "SV-2", "timestamp": T("2025-06-16 09:00"), "customer_id": "C2",
         "dispute_id": "D2", "direction": "out", "status": "sent"},
        *replies)


def test_survey_answers_from_chat():
    sheet = _survey_sheet(
        {"interaction_id": "W0", "timestamp": T("2025-06-15 09:00"), "customer_id": "C1",
         "message": "5"},                                         # before the survey
        {"interaction_id": "W1", "timestamp": T("2025-06-16 10:00"), "customer_id": "C3",
         "message": "1"},                                         # somebody else
        {"interaction_id": "W2", "timestamp": T("2025-06-16 11:00"), "customer_id": "c1",
         "message": "Order ORD-1004?"},                           # not a rating
        {"interaction_id": "W3", "timestamp": T("2025-06-16 12:00"), "customer_id": "C1",
         "message": "４/5"},
        {"interaction_id": "W4", "timestamp": T("2025-06-16 12:30"), "customer_id": "C2",
         "message": "⭐⭐⭐"},
        {"interaction_id": "W5", "timestamp": T("2025-06-16 13:00"), "customer_id": "C1",
         "message": "4", "direction": "out"})                     # our own message
    answers = p.survey_answers(DISPUTES, sheet, now=NOW)
    assert list(answers.columns) == p.ANSWER_COLUMNS
    assert answers.index.equals(DISPUTES.index)
    got = answers.dropna(subset=["csat"])
    assert dict(zip(DISPUTES.loc[got.index, "dispute_id"], got["csat"])) == {"D1": 4, "D2": 3}
    assert got["answer_interaction_id"].tolist() == ["W3", "W4"]
    assert got["answered_at"].tolist() == [T("2025-06-16 12:00"), T("2025-06-16 12:30")]


def test_survey_answer_change_and_typed_csat_kept():
    sheet = _survey_sheet(
        {"interaction_id": "W1", "timestamp": T("2025-06-16 10:00"), "customer_id": "C1",
         "message": "2"},
        {"interaction_id": "W2", "timestamp": T("2025-06-17 10:00"), "customer_id": "C1",
         "message": "5"},
        {"interaction_id": "W3", "timestamp": T("2025-06-17 10:00"), "customer_id": "C2",
         "message": "5"})
    rated = DISPUTES.copy()
    rated.loc[rated["dispute_id"] == "D1", "csat"] = 2      # recorded from the first reply
    rated.loc[rated["dispute_id"] == "D2", "csat"] = 1      # typed by a person
    answers = p.survey_answers(rated, sheet, now=NOW).set_index(rated["dispute_id"])
    assert answers.loc["D1", "csat"] == 5 and answers.loc["D1", "answer_interaction_id"] == "W2"
    assert pd.isna(answers.loc["D2", "csat"])
    # A reply after ``now`` does not count yet.
    early = p.survey_answers(DISPUTES, sheet, now=T("2025-06-16 12:00"))
    assert early.set_index(DISPUTES["dispute_id"]).loc["D1", "csat"] == 2


def test_a_reply_naming_another_dispute_does_not_count():
    sheet = _survey_sheet({"interaction_id": "W1", "timestamp": T("2025-06-16 10:00"),
                           "customer_id": "C1", "dispute_id": "D9", "message": "5"})
    assert p.survey_answers(DISPUTES, sheet, now=NOW)["csat"].isna().all()


def test_rating_confirmation_echo():
    sheet = _survey_sheet({"interaction_id": "W1", "timestamp": T("2025-06-16 10:00"),
                           "customer_id": "C2", "message": "4", "language": "ja"})
    answers = p.survey_answers(DISPUTES, sheet, now=NOW)
    batch = p.rating_confirmations(answers, DISPUTES, CUSTOMERS, sheet, now=NOW, seller=SELLER)
    (row,) = batch.drafts.to_dict("records")
    assert row["customer_id"] == "C2" and row["dispute_id"] == "D2"
    assert row["message"].startswith("4/5のご評価") and row["interaction_id"].startswith("SC-")
    assert p.phrase("rated", "en", score=4) == ("You rated us 4/5 — thank you! Reply with "
                                                "another number to change it.")
    twice = pd.concat([sheet, _interactions({"interaction_id": row["interaction_id"],
                                             "direction": "out"})], ignore_index=True)
    assert len(p.rating_confirmations(answers, DISPUTES, CUSTOMERS, twice, now=NOW)) == 0


def test_web_form_answers_only_confirmed(tmp_path):
    key = "k"
    path = tmp_path / "form.csv"
    pd.DataFrame({
        "Token": [p.survey_token("D1", key), p.survey_token("D2", key),
                  p.survey_token("D4", key), "nonsense", p.survey_token("D1", key)],
        "Score": ["5", "2", "1", "3", "4"],
        "Confirmed": ["no", "yes", "yes", "yes", "YES"],
    }).to_csv(path, index=False, encoding="utf-8-sig")
    answers = p.survey_form_answers(DISPUTES, path, survey_key=key)
    got = answers.set_index(DISPUTES["dispute_id"])["csat"].dropna().to_dict()
    assert got == {"D1": 4, "D2": 2}                           # D4 already rated
    with pytest.raises(ConfigError, match="no column 'confirmed'"):
        p.survey_form_answers(DISPUTES, pd.DataFrame({"token": [], "score": []}))


def test_a_survey_still_in_draft_collects_no_rating():
    sheet = _interactions(
        {"interaction_id": "SV-1", "timestamp": T("2025-06-16 09:00"), "customer_id": "C1",
         "dispute_id": "D1", "direction": "out", "status": "draft"},
        {"interaction_id": "W1", "timestamp": T("2025-06-16 10:00"), "customer_id": "C1",
         "message": "2"})
    assert p.survey_answers(DISPUTES, sheet, now=NOW)["csat"].isna().all()
    # Sent (Status typed by hand, any case): the same reply is the rating.
    sheet.loc[sheet["interaction_id"] == "SV-1", "status"] = " Sent"
    got = p.survey_answers(DISPUTES, sheet, now=NOW).set_index(DISPUTES["dispute_id"])
    assert got.loc["D1", "csat"] == 2 and got["csat"].notna().sum() == 1
    # The unsent draft still stops a second survey for D1.
    sheet.loc[sheet["interaction_id"] == "SV-1", "status"] = "draft"
    again = p.survey_drafts(DISPUTES, CUSTOMERS, sheet, None, now=NOW, seller=SELLER)
    assert "D1" not in again.drafts["dispute_id"].tolist()


def test_a_reply_counts_for_fourteen_days_only():
    sent = T("2025-06-01 09:00")

    def csat_after(delay):
        sheet = _interactions(
            {"interaction_id": "SV-1", "timestamp": sent, "customer_id": "C1",
             "dispute_id": "D1", "direction": "out", "status": "sent"},
            {"interaction_id": "W1", "timestamp": sent + delay, "customer_id": "C1",
             "message": "2"})
        got = p.survey_answers(DISPUTES, sheet, now=T("2025-09-01"))
        return got.set_index(DISPUTES["dispute_id"]).loc["D1", "csat"]

    assert p.SURVEY_REPLY_DAYS == 14
    assert csat_after(pd.Timedelta(days=13, hours=23)) == 2
    assert csat_after(pd.Timedelta(days=14)) == 2
    assert pd.isna(csat_after(pd.Timedelta(days=14, hours=1)))
    assert pd.isna(csat_after(pd.Timedelta(days=90)))          # "2" answering "how many?"


def test_our_next_message_ends_the_survey_but_echoes_and_drafts_do_not():
    survey = {"interaction_id": "SV-1", "timestamp": T("2025-06-16 09:00"),
              "customer_id": "C1", "dispute_id": "D1", "direction": "out", "status": "sent"}
    reply = {"interaction_id": "W9", "timestamp": T("2025-06-16 12:00"), "customer_id": "C1",
             "message": "2"}

    def csat(*between):
        sheet = _interactions(survey, *between, reply)
        got = p.survey_answers(DISPUTES, sheet, now=NOW)
        return got.set_index(DISPUTES["dispute_id"]).loc["D1", "csat"]

    asked = {"interaction_id": "M1", "timestamp": T("2025-06-16 10:00"), "customer_id": "c1",
             "direction": "out", "message": "How many boxes arrived?"}     # Status empty
    assert pd.isna(csat(asked))
    assert pd.isna(csat({**asked, "status": "sent"}))
    assert csat({**asked, "status": "draft"}) == 2            # never seen by the customer
    echo = {"interaction_id": "SC-1", "timestamp": T("2025-06-16 10:00"), "customer_id": "C1",
            "direction": "out", "status": "sent", "message": "You rated us 4/5"}
    other_survey = {"interaction_id": "SV-9", "timestamp": T("2025-06-16 10:00"),
                    "customer_id": "C1", "dispute_id": "D9", "direction": "out",
                    "status": "sent"}
    assert csat(echo) == 2
    # Another customer's message, or one sent at the survey's own time, ends nothing.
    assert csat({**asked, "customer_id": "C2"}) == 2
    assert csat({**asked, "timestamp": survey["timestamp"]}) == 2
    # A later survey of another dispute takes the reply (the most recent survey).
    assert pd.isna(csat(other_survey))


@pytest.mark.parametrize("score,expected", [
    ("4.0", 4), (4.0, 4), (3, 3), ("5 - Very satisfied", 5), ("2: poor", 2), (" 1 ", 1),
    ("4/5", 4), ("★★★", 3), ("4,0", 4),
    ("4.5", None), (4.5, None), ("4.5 stars", None), ("10", None), ("45", None),
    ("0", None), (6.0, None), ("Very satisfied", None), ("", None), (None, None),
    (float("nan"), None), (True, None),
])
def test_web_form_scores_as_numbers_and_labels(score, expected):
    key = "k"
    form = pd.DataFrame({"token": [p.survey_token("D1", key)], "score": [score],
                         "confirmed": ["yes"]}, dtype=object)
    got = p.survey_form_answers(DISPUTES, form, survey_key=key)
    value = got.set_index(DISPUTES["dispute_id"]).loc["D1", "csat"]
    assert (pd.isna(value) if expected is None else value == expected)


def test_form_labels_do_not_loosen_chat_ratings(tmp_path):
    assert p.parse_rating("5 - Very satisfied") is None and p.parse_rating("4.0") is None
    path = tmp_path / "form.csv"
    path.write_text("token,score,confirmed\n" + p.survey_token("D2") + ",4.0,yes\n",
                    encoding="utf-8")
    got = p.survey_form_answers(DISPUTES, path)
    assert got.set_index(DISPUTES["dispute_id"]).loc["D2", "csat"] == 4


@pytest.mark.parametrize("call", [
    lambda: p.delay_notices(ORDERS, CUSTOMERS, None, now=None, country="TH"),
    lambda: p.survey_drafts(DISPUTES, CUSTOMERS, None, None, now=None),
    lambda: p.rating_confirmations(p.survey_answers(DISPUTES, None), DISPUTES, CUSTOMERS,
                                   None, now=" "),
    lambda: p.follow_up_drafts(CUSTOMERS, None, None, None, now=None),
])
def test_a_missing_current_time_is_a_config_error(call):
    with pytest.raises(ConfigError, match="No current time was given"):
        call()


def test_survey_for_a_customer_missing_from_customers_keeps_the_typed_id():
    disputes = _disputes({"dispute_id": "D1", "customer_id": " Cx-09 ", "order_id": "O1"})
    batch = p.survey_drafts(disputes, CUSTOMERS, None, None, now=NOW, seller=SELLER)
    assert batch.drafts["customer_id"].tolist() == ["Cx-09"]
    # ... and the reply of that customer, typed another way, still finds the survey.
    sheet = _interactions(
        {**batch.drafts.iloc[0][p.DRAFT_COLUMNS].to_dict(), "status": "sent"},
        {"interaction_id": "W1", "timestamp": NOW + pd.Timedelta(hours=1),
         "customer_id": "cx-09", "message": "5"})
    got = p.survey_answers(disputes, sheet, now=NOW + pd.Timedelta(hours=2))
    assert got["csat"].tolist() == [5]


def test_customers_first_row_wins_for_a_repeated_id():
    customers = _customers({"customer_id": "C1", "name": "Nok", "preferred_language": "en"},
                           {"customer_id": " c1", "name": "Other", "preferred_language": "ja"})
    disputes = _disputes({"dispute_id": "D1", "customer_id": "c1"})
    d = p.survey_drafts(disputes, customers, None, None, now=NOW).drafts
    assert d["customer_id"].tolist() == ["C1"] and d["language"].tolist() == ["en"]
    assert "Nok" in d["message"].iloc[0]


# ---------------------------------------------------------------------------- follow-ups

def test_follow_ups_for_high_risk_quiet_customers():
    customers = CUSTOMERS.assign(segment=["high-risk", "high-risk", "neutral", "high-risk"])
    disputes = _disputes(
        {"dispute_id": "D1", "customer_id": "C1", "order_id": "O1", "handler": "Alex",
         "status": "open", "resolved_at": pd.NaT},
        {"dispute_id": "D4", "customer_id": "C4", "order_id": "O6", "status": "open",
         "description": "I will leave a 1-star review everywhere", "resolved_at": pd.NaT})
    sheet = _interactions(
        {"interaction_id": "M1", "timestamp": T("2025-06-19"), "customer_id": "C2",
         "direction": "out", "status": "sent"},                  # talked to yesterday
        {"interaction_id": "M2", "timestamp": T("2025-06-10"), "customer_id": "C1",
         "direction": "out", "status": "sent"},
        {"interaction_id": "M3", "timestamp": T("2025-06-12"), "customer_id": "C1",
         "message": "still waiting", "order_id": "O2"})
    batch = p.follow_up_drafts(customers, disputes, sheet, None, now=NOW, seller=SELLER)
    d = batch.drafts.set_index("customer_id")
    assert list(d.index) == ["C1", "C4"]
    assert d.loc["C1", "template_id"] == "follow_up-en" and "O1" in d.loc["C1", "message"]
    assert d.loc["C1", "handler"] == "Alex" and d.loc["C1", "dispute_id"] == "D1"
    assert d.loc["C4", "template_id"] == "negative_review_recovery-vi"
    assert d["interaction_id"].str.startswith("FU-").all()
    # Ten days on: C1 and C4 have follow-ups waiting as drafts; C2 has gone quiet.
    rerun = pd.concat([sheet, batch.interaction_rows().rename(
        columns={c.header: c.name for c in SHEETS["Interactions"].columns})], ignore_index=True)
    later = p.follow_up_drafts(customers, disputes, rerun, None, now=NOW + pd.Timedelta(days=10))
    assert later.drafts["customer_id"].tolist() == ["C2"]
    # Without a Segment column there is nobody to follow up.
    assert len(p.follow_up_drafts(CUSTOMERS.drop(columns="segment"), disputes, sheet, None,
                                  now=NOW)) == 0


def test_a_new_message_after_a_sent_follow_up_allows_another():
    customers = CUSTOMERS.assign(segment=["high-risk", None, None, None])
    first = p.follow_up_drafts(customers, None, None, None, now=NOW)
    fid = first.drafts["interaction_id"].iloc[0]
    sheet = _interactions(
        {"interaction_id": fid, "timestamp": NOW, "customer_id": "C1", "direction": "out",
         "status": "sent"},
        {"interaction_id": "M9", "timestamp": NOW + pd.Timedelta(days=1), "customer_id": "C1",
         "message": "hmm"})
    later = p.follow_up_drafts(customers, None, sheet, None, now=NOW + pd.Timedelta(days=5))
    assert len(later) == 1 and later.drafts["interaction_id"].iloc[0] != fid


def test_follow_up_without_a_known_order_is_reported():
    customers = CUSTOMERS.assign(segment=["high-risk", None, None, None])
    batch = p.follow_up_drafts(customers, None, None, None, now=NOW)
    assert batch.drafts["missing"].tolist() == ["order_id"]
    assert "[order_id]" in batch.drafts["message"].iloc[0]
    assert any("No order is known for C1" in n for n in batch.notes)


def test_follow_up_picks_the_latest_dispute_and_message_by_time_not_row():
    customers = CUSTOMERS.assign(segment=["high-risk", "high-risk", None, None])
    disputes = _disputes(   # sheet order is not time order
        {"dispute_id": "D-new", "customer_id": "C1", "order_id": "O-new", "handler": "Alex",
         "opened_at": T("2025-06-10"), "status": "open", "resolved_at": pd.NaT},
        {"dispute_id": "D-old", "customer_id": "C1", "order_id": "O-old", "handler": "Mina",
         "opened_at": T("2025-05-01"), "status": "open", "resolved_at": pd.NaT},
        {"dispute_id": "D-tie1", "customer_id": "C2", "order_id": "O-t1",
         "opened_at": T("2025-05-01"), "status": "open", "resolved_at": pd.NaT},
        {"dispute_id": "D-tie2", "customer_id": "C2", "order_id": "O-t2",
         "opened_at": T("2025-05-01"), "status": "open", "resolved_at": pd.NaT})
    d = p.follow_up_drafts(customers, disputes, None, None, now=NOW).drafts
    d = d.set_index("customer_id")
    assert d.loc["C1", "dispute_id"] == "D-new" and d.loc["C1", "order_id"] == "O-new"
    assert d.loc["C1", "handler"] == "Alex"
    assert d.loc["C2", "dispute_id"] == "D-tie2"             # a tie: the lower row wins
    # Without disputes, the order of the latest message by Timestamp.
    sheet = _interactions(
        {"interaction_id": "M2", "timestamp": T("2025-06-12"), "customer_id": "C1",
         "message": "where is it", "order_id": "O-late"},
        {"interaction_id": "M1", "timestamp": T("2025-06-02"), "customer_id": "C1",
         "message": "hello", "order_id": "O-early"})
    d = p.follow_up_drafts(customers, None, sheet, None, now=NOW).drafts
    assert d.set_index("customer_id").loc["C1", "order_id"] == "O-late"


def test_a_threat_in_a_settled_dispute_does_not_make_a_recovery():
    customers = CUSTOMERS.assign(segment=["high-risk", None, None, None])
    threat = "I will leave a 1-star review everywhere"
    settled = _disputes({"dispute_id": "D1", "customer_id": "C1", "status": "open",
                         "description": threat, "resolved_at": T("2025-06-15")})
    d = p.follow_up_drafts(customers, settled, None, None, now=NOW).drafts
    assert d["template_id"].tolist() == ["follow_up-en"]
    still_open = settled.assign(resolved_at=pd.NaT)
    d = p.follow_up_drafts(customers, still_open, None, None, now=NOW).drafts
    assert d["template_id"].tolist() == ["negative_review_recovery-en"]


# ------------------------------------------------------------------ atomic export, coupons

def test_a_failed_export_leaves_the_previous_files_whole(tmp_path, monkeypatch):
    import os

    from kakobuy_xl.io import atomic

    (tmp_path / "delay.csv").write_bytes(b"old csv")
    calls = []

    def broken_replace(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(ConfigError, match="Cannot write the drafts"):
        p.export_drafts(_notices(), tmp_path, stem="delay")
    assert calls                                              # went through write_atomically
    assert (tmp_path / "delay.csv").read_bytes() == b"old csv"
    assert sorted(os.listdir(tmp_path)) == ["delay.csv"]      # no half file, no temp file


def test_keyed_coupon_codes_cannot_be_computed_without_the_key():
    plain = p.coupon_code(5, "c1", "th||2025-06-01|")
    keyed = p.coupon_code(5, "c1", "th||2025-06-01|", key=b"seller-key")
    assert keyed != plain and keyed.startswith("DELAY5-") and len(keyed) == len(plain)
    assert keyed == p.coupon_code(5, "c1", "th||2025-06-01|", key="seller-key")
    assert keyed != p.coupon_code(5, "c1", "th||2025-06-01|", key=b"other-key")
    assert keyed != p.coupon_code(5, "c2", "th||2025-06-01|", key=b"seller-key")
    # planner.py's positional call still works and is unchanged without a key.
    assert p.coupon_code(10, "c1", "n1", prefix="SORRY") == p.coupon_code(10, "c1", "n1",
                                                                         "SORRY")
    assert p.coupon_code(10, "c1", "n1", prefix="SORRY").startswith("SORRY10-")
    plain_notes = _notices().drafts.set_index("customer_id")["coupon"]
    keyed_notes = _notices(coupon_key=b"seller-key").drafts.set_index("customer_id")["coupon"]
    assert (plain_notes != keyed_notes).all()
    assert keyed_notes["C1"] == _notices(coupon_key=b"seller-key").drafts.set_index(
        "customer_id").loc["C1", "coupon"]


def test_lower_folds_each_cell_and_blanks_what_is_not_text():
    s = pd.Series([" Out", None, 3, "out", float("nan"), "SENT "], index=[5, 6, 7, 8, 9, 10])
    got = p._lower(s)
    assert got.tolist() == ["out", "", "", "out", "", "sent"]
    assert got.index.tolist() == [5, 6, 7, 8, 9, 10]


def test_docstring_examples():
    import doctest

    assert doctest.testmod(p).failed == 0
