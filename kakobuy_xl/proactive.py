"""Proactive service: delay notices, satisfaction surveys, follow-ups for high-risk customers.

Every function here takes typed frames (snake_case columns, index = Excel row) and returns
draft Interactions rows in a :class:`DraftBatch`; nothing is sent. The caller appends
``batch.interaction_rows()`` to the Interactions sheet and, for sending by hand,
:func:`export_drafts` writes a CSV and one paste-ready text file per channel.

Draft IDs are stable hashes of what a draft is about (``DN-`` delay notice, ``GB-``
group-buy announcement, ``SV-`` survey, ``SC-`` rating confirmation, ``FU-`` follow-up):
pass the Interactions frame and a second run drafts nothing it has drafted before.

>>> parse_rating("★★★★☆"), parse_rating("４/5"), parse_rating("ORD-1234")
(4, 4, None)
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .disputes import is_closed, signals
from .errors import ConfigError
from .frames import column as _col, to_times as _when
from .importers.records import short_hash
from .io.atomic import write_atomically
from .keys import first_by_id, id_key, map_distinct, related
from .schema import CLOSED_DISPUTE_STATUSES, SHEETS
from .settings import Settings
from .templates import TemplateIndex, choose_language, library_with_shipped, locale_for, render

#: Order statuses after which a shipment can no longer be late.
FINISHED_ORDER_STATUSES = frozenset({"delivered", "returned", "cancelled", "refunded"})
#: Order statuses that mean "on its way" even without a Ship Date.
SHIPPED_ORDER_STATUSES = frozenset({"shipped", "in_transit"})
DEFAULT_DELAY_DAYS = 7
DEFAULT_SURVEY_AFTER_HOURS = 24
DEFAULT_QUIET_DAYS = 3
#: How long after a survey was sent a chat reply can still be its rating.
SURVEY_REPLY_DAYS = 14
#: How far back a public threat (bad review, social post) turns a follow-up into recovery.
THREAT_LOOKBACK_DAYS = 30

#: The Interactions columns a draft fills (snake_case), in sheet order.
DRAFT_COLUMNS = ["interaction_id", "timestamp", "customer_id", "channel", "direction",
                 "handler", "order_id", "dispute_id", "message", "status"]
#: What a draft carries besides its Interactions row (for the export and for review).
DETAIL_COLUMNS = ["kind", "name", "contact", "language", "subject", "template_id", "coupon",
                  "missing", "members"]
#: Columns of the export CSV.
EXPORT_COLUMNS = ["customer", "name", "channel", "contact", "language", "message", "subject",
                  "coupon", "interaction_id"]
#: Columns of :func:`survey_answers` and :func:`survey_form_answers`.
ANSWER_COLUMNS = ["csat", "answer_interaction_id", "answered_at"]

# Short sentences the shipped templates do not hold, in every library language: the
# rating request that fills a survey's {survey_link} line (reply with a number, or the
# form's link: whole sentences, so the template reads right either way), the echo of a
# rating, a group buy's progress.
PHRASES: dict[str, dict[str, str]] = {
    "en": {"rate": "Just reply to this message with a number from 1 (very unhappy) to 5 (very "
                   "happy).",
           "rate_link": "Tap to rate (it takes a few seconds): {url}",
           "rated": "You rated us {score}/5 — thank you! Reply with another number to change it.",
           "progress": "{done} of {total} orders shipped"},
    "es": {"rate": "Basta con responder a este mensaje con un número del 1 (muy insatisfecho) "
                   "al 5 (muy satisfecho).",
           "rate_link": "Pulse aquí para valorar (solo tarda unos segundos): {url}",
           "rated": "Nos ha valorado con {score}/5: ¡gracias! Si quiere cambiarlo, responda con "
                    "otro número.",
           "progress": "{done} de {total} pedidos enviados"},
    "fr": {"rate": "Il vous suffit de répondre à ce message avec un chiffre de 1 (très "
                   "mécontent) à 5 (très satisfait).",
           "rate_link": "Touchez le lien pour donner votre note (cela ne prend que quelques "
                        "secondes) : {url}",
           "rated": "Vous nous avez donné {score}/5 : merci ! Répondez avec un autre chiffre "
                    "pour modifier votre note.",
           "progress": "{done} commandes sur {total} expédiées"},
    "de": {"rate": "Antworten Sie einfach auf diese Nachricht mit einer Zahl von 1 (sehr "
                   "unzufrieden) bis 5 (sehr zufrieden).",
           "rate_link": "Hier tippen und bewerten (dauert nur wenige Sekunden): {url}",
           "rated": "Sie haben uns mit {score}/5 bewertet – vielen Dank! Antworten Sie mit "
                    "einer anderen Zahl, um Ihre Bewertung zu ändern.",
           "progress": "{done} von {total} Bestellungen versandt"},
    "it": {"rate": "Le basta rispondere a questo messaggio con un numero da 1 (molto "
                   "insoddisfatto) a 5 (molto soddisfatto).",
           "rate_link": "Tocchi qui per dare il Suo voto (bastano pochi secondi): {url}",
           "rated": "Ci ha dato {score}/5: grazie! Per cambiare il voto, risponda con un altro "
                    "numero.",
           "progress": "{done} ordini su {total} spediti"},
    "pt": {"rate": "É só responder a esta mensagem com um número de 1 (muito insatisfeito) a 5 "
                   "(muito satisfeito).",
           "rate_link": "Toque para avaliar (leva poucos segundos): {url}",
           "rated": "Você nos avaliou com {score}/5. Obrigado! Para mudar a nota, responda com "
                    "outro número.",
           "progress": "{done} de {total} pedidos enviados"},
    "ja": {"rate": "このメッセージに、1（とても不満）から5（とても満足）までの数字をご返信いただくだけで完了です。",
           "rate_link": "こちらから評価いただけます（数秒で完了します）：{url}",
           "rated": "{score}/5のご評価をいただき、ありがとうございます。変更される場合は、別の数字をご返信ください。",
           "progress": "{total}件中{done}件発送済み"},
    "ko": {"rate": "이 메시지에 1(매우 불만족)부터 5(매우 만족)까지 숫자로 답장해 주시면 됩니다.",
           "rate_link": "링크를 눌러 평가해 주십시오(몇 초면 끝납니다): {url}",
           "rated": "{score}/5점으로 평가해 주셔서 감사합니다! 변경하시려면 다른 숫자로 답장해 주세요.",
           "progress": "{total}건 중 {done}건 발송 완료"},
    "zh": {"rate": "直接回复本消息一个数字即可：1（非常不满意）到5（非常满意）。",
           "rate_link": "点击链接即可评分（只需几秒钟）：{url}",
           "rated": "感谢您给我们{score}/5的评分！如需修改，请回复其他数字。",
           "progress": "已发货{done}/{total}单"},
    "ru": {"rate": "Просто ответьте на это сообщение цифрой от 1 (очень недоволен) до 5 (очень "
                   "доволен).",
           "rate_link": "Оценить можно по ссылке (это займёт несколько секунд): {url}",
           "rated": "Вы оценили нас на {score}/5 — спасибо! Чтобы изменить оценку, ответьте "
                    "другой цифрой.",
           "progress": "отправлено заказов: {done} из {total}"},
    "ar": {"rate": "يكفي أن تردّوا على هذه الرسالة برقم من 1 (غير راضٍ جدًا) إلى 5 (راضٍ جدًا).",
           "rate_link": "اضغطوا على الرابط للتقييم (يستغرق بضع ثوانٍ فقط): {url}",
           "rated": "لقد قيّمتنا بـ {score}/5، شكرًا لك! لتغيير تقييمك، أرسل رقمًا آخر.",
           "progress": "تم شحن {done} من أصل {total} طلبات"},
    "vi": {"rate": "Anh/chị chỉ cần trả lời tin nhắn này bằng một số từ 1 (rất không hài lòng) "
                   "đến 5 (rất hài lòng).",
           "rate_link": "Nhấn vào đường dẫn để đánh giá (chỉ mất vài giây): {url}",
           "rated": "Bạn đã đánh giá chúng tôi {score}/5, xin cảm ơn! Để thay đổi, hãy trả lời "
                    "bằng một số khác.",
           "progress": "đã gửi {done}/{total} đơn hàng"},
    "th": {"rate": "เพียงตอบกลับข้อความนี้ด้วยตัวเลข 1 (ไม่พอใจมาก) ถึง 5 (พอใจมาก) ค่ะ",
           "rate_link": "แตะลิงก์เพื่อให้คะแนน (ใช้เวลาเพียงไม่กี่วินาทีค่ะ): {url}",
           "rated": "ขอบคุณที่ให้คะแนนเรา {score}/5! หากต้องการเปลี่ยน "
                    "กรุณาตอบกลับด้วยตัวเลขอื่น",
           "progress": "จัดส่งแล้ว {done} จาก {total} คำสั่งซื้อ"},
    "id": {"rate": "Cukup balas pesan ini dengan angka 1 (sangat tidak puas) sampai 5 (sangat "
                   "puas).",
           "rate_link": "Ketuk tautan ini untuk memberi nilai (hanya beberapa detik): {url}",
           "rated": "Anda memberi kami nilai {score}/5, terima kasih! Untuk mengubahnya, balas "
                    "dengan angka lain.",
           "progress": "{done} dari {total} pesanan sudah dikirim"},
    "tr": {"rate": "Bu mesaja 1 (hiç memnun değilim) ile 5 (çok memnunum) arasında bir rakamla "
                   "yanıt vermeniz yeterli.",
           "rate_link": "Puan vermek için dokunun (yalnızca birkaç saniye sürer): {url}",
           "rated": "Bize {score}/5 puan verdiniz, teşekkürler! Değiştirmek için başka bir "
                    "rakamla yanıt verin.",
           "progress": "{total} siparişten {done} tanesi gönderildi"},
    "nl": {"rate": "Antwoord gewoon op dit bericht met een cijfer van 1 (zeer ontevreden) tot 5 "
                   "(zeer tevreden).",
           "rate_link": "Tik hier om een cijfer te geven (het duurt maar een paar seconden): "
                        "{url}",
           "rated": "U gaf ons {score}/5, dank u wel! Wilt u dit wijzigen? Antwoord dan met een "
                    "ander cijfer.",
           "progress": "{done} van {total} bestellingen verzonden"},
    "pl": {"rate": "Wystarczy odpowiedzieć na tę wiadomość cyfrą od 1 (bardzo niezadowolony) do "
                   "5 (bardzo zadowolony).",
           "rate_link": "Prosimy kliknąć, aby wystawić ocenę (zajmie to kilka sekund): {url}",
           "rated": "Twoja ocena to {score}/5, dziękujemy! Aby ją zmienić, odpowiedz inną cyfrą.",
           "progress": "wysłano {done} z {total} zamówień"},
}


# --- small helpers --------------------------------------------------------------------

def _text(v: Any) -> str | None:
    if isinstance(v, str) and v.strip():
        return v.strip()
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(v)
    return None


def _fold(v: Any) -> str:
    return v.strip().casefold() if isinstance(v, str) else ""


def _lower(series: pd.Series) -> pd.Series:
    """Stripped, case-folded text; "" where the cell is empty or not text."""
    # Directions, statuses and IDs repeat across 100,000 rows: fold each once.
    return map_distinct(series, _fold, "")


def _timestamp(value: Any, name: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ConfigError(f"The {name} '{value}' is not a date; write it like 2025-06-01."
                          ) from None
    if pd.isna(ts):
        return None
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _now(now: Any) -> pd.Timestamp:
    """The current time every draft is stamped with; required, not guessed (the faces
    pass the shop's local time)."""
    ts = _timestamp(now, "current time")
    if ts is None:
        raise ConfigError("No current time was given for the drafts (now is empty). Pass "
                          "the shop's local time, e.g. now='2025-06-01 09:00'.")
    return ts


def _seller(seller: Settings | None) -> Settings:
    return seller if seller is not None else Settings()


def _existing_ids(interactions: pd.DataFrame | None) -> set[str]:
    if interactions is None or not len(interactions) or "interaction_id" not in interactions:
        return set()
    return set(id_key(interactions["interaction_id"]).dropna())


@dataclass
class _Customer:
    """The columns of one customer a draft needs."""

    key: str
    customer_id: str
    name: str | None = None
    preferred: Any = None
    detected: Any = None
    country: str | None = None
    channel: str | None = None
    contact: str | None = None


def _customer_table(customers: pd.DataFrame | None) -> dict[str, _Customer]:
    """Customers by matching key (the first row of a repeated ID wins)."""
    if customers is None or not len(customers):
        return {}
    first = first_by_id(customers["customer_id"], pd.Series(range(len(customers))))
    c = customers.iloc[first.astype(int).tolist()]
    out = {}
    for k, cid, name, pref, auto, country, channel, contact in zip(
            first.index.tolist(), c["customer_id"].tolist(), _col(c, "name").tolist(),
            _col(c, "preferred_language").tolist(), _col(c, "language_auto").tolist(),
            _col(c, "country").tolist(), _col(c, "channel").tolist(),
            _col(c, "contact").tolist()):
        out[k] = _Customer(k, str(cid).strip(), _text(name), pref, auto, _text(country),
                           _text(channel), _text(contact))
    return out


class _Library:
    """The caller's templates, completed by the shipped library for every (scenario,
    language) they lack: the user's own templates win, shipped ones fill the gaps."""

    def __init__(self, templates: pd.DataFrame | None) -> None:
        self.index = TemplateIndex(library_with_shipped(templates))

    def language(self, scenario: str, preferred: Any = None, detected: Any = None,
                 seller_language: Any = None) -> str | None:
        """The language a draft of ``scenario`` is written in (see ``choose_language``)."""
        return choose_language(self.index.languages(scenario), preferred, detected,
                               seller_language)[0]

    def render(self, scenario: str, values: Mapping[str, Any], *, preferred: Any = None,
               detected: Any = None, seller_language: Any = None, language: str | None = None,
               country: str | None = None, currency: str | None = None) -> dict[str, Any]:
        """The rendered subject and body of ``scenario`` in the best language."""
        if language is None or language not in self.index.languages(scenario):
            language, _why = choose_language(self.index.languages(scenario), preferred,
                                             detected, seller_language)
        picked = self.index.pick(scenario, language) if language is not None else None
        if picked is None:
            return {"language": None, "template_id": None, "subject": None, "message": None,
                    "missing": f"no template for scenario {scenario}"}
        row = self.index.row(picked[0])
        body = render(row["body"], values, language, country=country, currency=currency)
        subject_text = row.get("subject")
        subject = render(subject_text, values, language, country=country, currency=currency) \
            if isinstance(subject_text, str) and subject_text.strip() else None
        missing = list(dict.fromkeys(body.missing + (subject.missing if subject else [])))
        return {"language": language, "template_id": str(row["template_id"]),
                "subject": subject.text if subject else None, "message": body.text,
                "missing": ", ".join(missing) or None}


def phrase(name: str, language: str | None, **values: Any) -> str:
    """One of the built-in short sentences (:data:`PHRASES`) in ``language`` (English
    when the language has none), filled in.

    >>> phrase("progress", "de", done=3, total=4)
    '3 von 4 Bestellungen versandt'
    """
    table = PHRASES.get((language or "en").split("-")[0].lower(), PHRASES["en"])
    return table.get(name, PHRASES["en"][name]).format(**values)


# --- the batch ------------------------------------------------------------------------

@dataclass
class DraftBatch:
    """Draft messages: Interactions rows plus what the export and the reviewer need.

    ``drafts`` has :data:`DRAFT_COLUMNS` then :data:`DETAIL_COLUMNS`; ``skipped`` lists
    the IDs left out because the Interactions sheet already holds them; ``notes`` says
    what was left out and why, in the seller's terms.
    """

    drafts: pd.DataFrame
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.drafts)

    def interaction_rows(self) -> pd.DataFrame:
        """The drafts keyed by the Interactions sheet's header texts (for append_rows)."""
        headers = {c.name: c.header for c in SHEETS["Interactions"].columns}
        return self.drafts[DRAFT_COLUMNS].rename(columns=headers).reset_index(drop=True)

    def summary(self) -> str:
        kinds = Counter(self.drafts["kind"].tolist()) if len(self.drafts) else Counter()
        parts = [f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items())]
        text = "Drafted " + (", ".join(parts) if parts else "nothing") + "."
        if self.skipped:
            text += f" {len(self.skipped)} already on the Interactions sheet."
        return text


def _batch(rows: list[dict[str, Any]], interactions: pd.DataFrame | None,
           notes: list[str]) -> DraftBatch:
    existing = _existing_ids(interactions)
    keep, skipped, seen = [], [], set()
    for r in rows:
        key = r["interaction_id"].casefold()
        if key in existing or key in seen:
            skipped.append(r["interaction_id"])
        else:
            seen.add(key)
            keep.append(r)
    frame = pd.DataFrame(keep, columns=DRAFT_COLUMNS + DETAIL_COLUMNS)
    return DraftBatch(frame, skipped, notes)


def _draft(kind: str, prefix: str, id_parts: Iterable[Any], *, now: pd.Timestamp,
           customer: _Customer | None, rendered: Mapping[str, Any], handler: Any = None,
           order_id: Any = None, dispute_id: Any = None, coupon: str | None = None,
           name: str | None = None, channel: str | None = None, contact: str | None = None,
           members: str | None = None) -> dict[str, Any]:
    return {
        "interaction_id": f"{prefix}-{short_hash(kind, *id_parts)}",
        "timestamp": now, "customer_id": customer.customer_id if customer else None,
        "channel": channel if channel is not None else (customer.channel if customer else None),
        "direction": "out", "handler": _text(handler), "order_id": _text(order_id),
        "dispute_id": _text(dispute_id), "message": rendered.get("message"), "status": "draft",
        "kind": kind, "name": name if name is not None else (customer.name if customer else None),
        "contact": contact if contact is not None else (customer.contact if customer else None),
        "language": rendered.get("language"), "subject": rendered.get("subject"),
        "template_id": rendered.get("template_id"), "coupon": coupon,
        "missing": rendered.get("missing"), "members": members,
    }


# --- delay notices --------------------------------------------------------------------

@dataclass(frozen=True)
class Compensation:
    """What a delay notice offers: a percent coupon (``discount``) or free text."""

    kind: str  # "percent", "text" or "none"
    discount: float | None = None
    text: str | None = None


_PERCENT = re.compile(r"^\s*(\d{1,2}(?:[.,]\d+)?)\s*%\s*(?:off\b)?\s*"
                      r"(?:coupon|discount|voucher|code)?\s*(?:off\b)?\s*$", re.IGNORECASE)


def parse_compensation(text: str | None) -> Compensation:
    """Read the compensation argument.

    "5% coupon", "10 % off", "7.5% discount" are percent coupons; anything else
    ("US$5 refund", "free shipping") is free text, put into the message as typed.

    >>> parse_compensation("5% coupon")
    Compensation(kind='percent', discount=5.0, text=None)
    >>> parse_compensation("free shipping").kind
    'text'
    """
    if text is None or not str(text).strip():
        return Compensation("none")
    m = _PERCENT.match(str(text))
    if m:
        value = float(m.group(1).replace(",", "."))
        if not 0 < value < 100:
            raise ConfigError(f"The compensation '{text}' is not a usable discount; "
                              "give a percentage between 1 and 99, e.g. '5% coupon'.")
        return Compensation("percent", value)
    return Compensation("text", text=str(text).strip())


def coupon_code(discount: float, customer_key: str, notice_key: str,
                prefix: str = "DELAY", key: str | bytes | None = None) -> str:
    """A coupon code that is the same every time the same notice is drafted for the same
    customer: ``DELAY5-3FA2C1``. Create these codes in your shop before sending.

    With the seller ``key`` the 6 characters are HMAC-SHA256 of the customer and the
    notice under that key, so nobody without the key can work out another customer's
    code; without a key they are a plain hash (stable, but computable by anyone who knows
    the scheme).

    >>> coupon_code(5, "c1", "th") == coupon_code(5, "c1", "th", key=b"k")
    False
    """
    amount = f"{discount:g}".replace(".", "_")
    if key:
        secret = key.encode("utf-8") if isinstance(key, str) else key
        text = f"kakobuy-coupon:{customer_key}|{notice_key}".encode("utf-8")
        tag = hmac.new(secret, text, hashlib.sha256).hexdigest()
    else:
        tag = short_hash("coupon", customer_key, notice_key)
    return f"{prefix}{amount}-{tag[:6].upper()}"


def _coupon_text(comp: Compensation, code: str | None, language: str | None,
                 country: str | None) -> str | None:
    if comp.kind == "text":
        return comp.text
    if comp.kind == "percent" and code:
        from babel.numbers import format_percent

        # Templates hold {coupon} only, so the size of the discount travels with the
        # code, as a localised "-5 %" that needs no translation.
        pct = format_percent(-(comp.discount or 0) / 100, locale=locale_for(language, country))
        return f"{code} ({pct})"
    return None


def _names(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if isinstance(p, str) and p.strip()]


def affected_orders(orders: pd.DataFrame, *, customers: pd.DataFrame | None = None,
                    country: str | Iterable[str] | None = None,
                    carrier: str | Iterable[str] | None = None, since: Any = None,
                    group_buy: str | None = None) -> pd.Series:
    """Which orders a delay touches (a boolean Series indexed like ``orders``).

    An order is affected when it is still open (Status not delivered, returned, cancelled
    or refunded, and no Delivered Date), it has shipped (a Ship Date, or Status shipped /
    in_transit), it shipped on or after ``since`` (an order without a Ship Date cannot be
    ruled out, so it counts), and it matches every filter given: Destination Country
    (else the customer's Country) among ``country`` ("TH,VN"; case does not matter),
    Carrier *containing* one of ``carrier`` ("kerry" matches "Kerry Express"), Group Buy ID
    equal to ``group_buy``.
    """
    countries = {c.upper() for c in _names(country)}
    carriers = [c.casefold() for c in _names(carrier)]
    if not countries and not carriers and not _text(group_buy):
        raise ConfigError("A delay notice needs a country, a carrier or a group buy to "
                          "choose the orders; without one every open order would be told "
                          "it is late.")
    since_ts = _timestamp(since, "since date")
    status = _lower(_col(orders, "status"))
    ship = _when(_col(orders, "ship_date"))
    delivered = _when(_col(orders, "delivered_date"))
    mask = ~status.isin(FINISHED_ORDER_STATUSES) & delivered.isna()
    mask &= ship.notna() | status.isin(SHIPPED_ORDER_STATUSES)
    if since_ts is not None:
        mask &= ship.isna() | (ship >= since_ts.normalize())
    if countries:
        dest = _col(orders, "destination_country").astype(object)
        if customers is not None and len(customers):
            home = related(id_key(_col(orders, "customer_id")), customers["customer_id"],
                           _col(customers, "country"))
            dest = dest.where(dest.map(lambda v: _text(v) is not None), home)
        mask &= pd.Series([isinstance(v, str) and v.strip().upper() in countries
                           for v in dest.tolist()], index=orders.index)
    if carriers:
        pattern = "|".join(re.escape(c) for c in carriers)
        mask &= _lower(_col(orders, "carrier")).str.contains(pattern, regex=True)
    if _text(group_buy):
        mask &= id_key(_col(orders, "group_buy_id")) == str(group_buy).strip().casefold()
    return mask.astype(bool)


def _items(order_ids: list[Any], products: list[Any], qtys: list[Any]) -> str:
    parts = []
    for oid, product, qty in zip(order_ids, products, qtys):
        text = str(oid).strip()
        if _text(product):
            n = qty if isinstance(qty, (int, float, np.number)) and not pd.isna(qty) else 1
            text += f" ({product.strip()}" + (f" ×{int(n)}" if n > 1 else "") + ")"
        parts.append(text)
    return ", ".join(parts)


def delay_notices(orders: pd.DataFrame, customers: pd.DataFrame | None,
                  templates: pd.DataFrame | None, *, now: Any,
                  country: str | Iterable[str] | None = None,
                  carrier: str | Iterable[str] | None = None, since: Any = None,
                  group_buy: str | None = None, compensation: str | None = None,
                  coupon: str | None = None, delay_days: int | None = DEFAULT_DELAY_DAYS,
                  progress: str | None = None, handler: str | None = None,
                  interactions: pd.DataFrame | None = None,
                  seller: Settings | None = None,
                  coupon_key: str | bytes | None = None) -> DraftBatch:
    """Pre-emptive delay notices: one draft per customer with affected orders (see
    :func:`affected_orders`), in the customer's language (scenario
    ``proactive_delay_notice``), listing all their affected orders.

    ``compensation`` is read by :func:`parse_compensation`; a percent coupon gets
    ``coupon`` as its code, or a code per customer (:func:`coupon_code`, keyed with
    ``coupon_key``, the seller key, so codes cannot be guessed). The new ETA is
    the later of Expected Delivery and today, plus ``delay_days`` (unknown without an
    Expected Delivery or with ``delay_days=None``). Every group buy among the affected
    orders also gets one ``group_buy_delay_notice`` announcement per language of its buyers,
    and its buyers' notes name their items. ``interactions``: drafts already there are
    skipped.

    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["O1"], "customer_id": ["C1"], "status": ["shipped"],
    ...     "carrier": ["Kerry Express"], "ship_date": [pd.Timestamp("2025-06-02")],
    ...     "destination_country": ["TH"], "expected_delivery": [pd.Timestamp("2025-06-10")]})
    >>> customers = pd.DataFrame({"customer_id": ["C1"], "name": ["Nok"],
    ...     "preferred_language": ["en"], "channel": ["LINE"]})
    >>> b = delay_notices(orders, customers, None, now="2025-06-05", country="th",
    ...                   compensation="5% coupon")
    >>> b.drafts[["customer_id", "channel", "order_id"]].values.tolist()
    [['C1', 'LINE', 'O1']]
    """
    seller = _seller(seller)
    now_ts = _now(now)
    mask = affected_orders(orders, customers=customers, country=country, carrier=carrier,
                           since=since, group_buy=group_buy)
    comp = parse_compensation(compensation)
    lib = _Library(templates)
    people = _customer_table(customers)
    notes: list[str] = []
    hit = orders[mask.to_numpy()].copy()
    hit["_key"] = id_key(_col(hit, "customer_id"))
    lonely = hit["_key"].isna()
    if lonely.any():
        notes.append(f"{int(lonely.sum())} affected order(s) have no Customer ID (Orders rows "
                     + ", ".join(str(i) for i in hit.index[lonely][:10]) + "): no notice.")
        hit = hit[~lonely.to_numpy()]
    expected = _when(_col(hit, "expected_delivery"))
    if delay_days is None:
        eta = pd.Series(pd.NaT, index=hit.index)
    else:
        eta = expected.where(expected >= now_ts.normalize(), now_ts.normalize())
        eta = eta.where(expected.notna()) + pd.Timedelta(days=int(delay_days))
    hit["_eta"] = eta
    hit["_gb"] = id_key(_col(hit, "group_buy_id"))
    # The notice's identity: which delay it is, not how it is worded or compensated, so a
    # second run with another coupon adds nothing.
    since_ts = _timestamp(since, "since date")
    notice_key = "|".join([",".join(sorted(c.upper() for c in _names(country))),
                           ",".join(sorted(c.casefold() for c in _names(carrier))),
                           since_ts.date().isoformat() if since_ts is not None else "",
                           str(group_buy or "").strip().casefold()])
    rows: list[dict[str, Any]] = []
    members: dict[str, list[tuple[_Customer, str | None]]] = {}
    gb_eta: dict[str, Any] = {}
    # Plain lists and positions per customer: a notice run can touch thousands of
    # customers, and a DataFrame slice per customer costs far more than the rendering.
    cols = {name: _col(hit, name).tolist() for name in
            ("customer_id", "order_id", "product", "qty", "carrier", "group_buy_id")}
    etas, gbs = hit["_eta"].tolist(), hit["_gb"].tolist()
    positions: dict[str, list[int]] = {}
    for i, key in enumerate(hit["_key"].tolist()):
        positions.setdefault(key, []).append(i)
    language_of = {}
    for key, at in positions.items():
        person = people.get(key) or _Customer(key, str(cols["customer_id"][at[0]]).strip())
        if key not in people:
            notes.append(f"Customer {person.customer_id} is not on the Customers sheet: "
                         "the notice uses the seller's language and has no channel.")
        order_ids = [str(cols["order_id"][i]).strip() for i in at]
        grouped = [i for i in at if gbs[i] is not None]
        listed = (_items(order_ids, [cols["product"][i] for i in at],
                         [cols["qty"][i] for i in at]) if grouped else ", ".join(order_ids))
        carriers = [c.strip() for c in dict.fromkeys(cols["carrier"][i] for i in at)
                    if isinstance(c, str) and c.strip()]
        known = [etas[i] for i in at if not pd.isna(etas[i])]
        latest = max(known) if known else None
        code = None
        if comp.kind == "percent":
            code = coupon.strip() if _text(coupon) else coupon_code(
                comp.discount or 0, key, notice_key, key=coupon_key)
        values: dict[str, Any] = {
            "customer_name": person.name, "order_id": listed,
            "carrier": ", ".join(carriers) or None, "days": delay_days,
            "eta": latest.date() if latest is not None else None,
            "discount": comp.discount, "seller_name": seller.seller_name or None,
            "group_buy_id": ", ".join(dict.fromkeys(
                str(cols["group_buy_id"][i]).strip() for i in grouped)) or None,
        }
        language = lib.language("proactive_delay_notice", person.preferred, person.detected,
                                seller.seller_language)
        values["coupon"] = _coupon_text(comp, code, language, person.country)
        rendered = lib.render("proactive_delay_notice", values, language=language,
                              country=person.country)
        rows.append(_draft("delay_notice", "DN", [key, ",".join(sorted(o.casefold() for o in
                                                                       order_ids)), notice_key],
                           now=now_ts, customer=person, rendered=rendered, handler=handler,
                           order_id=order_ids[0], coupon=code or values["coupon"]))
        for i in grouped:
            gb = gbs[i]
            if (person.key, gb) not in language_of:
                language_of[(person.key, gb)] = rendered["language"]
                members.setdefault(gb, []).append((person, rendered["language"]))
            if not pd.isna(etas[i]):
                gb_eta[gb] = max(gb_eta.get(gb, etas[i]), etas[i])
    rows.extend(_announcements(orders, members, gb_eta, lib, now=now_ts, progress=progress,
                               handler=handler, notice_key=notice_key, seller=seller,
                               days=delay_days, comp=comp, coupon=coupon))
    if comp.kind == "none" and rows:
        notes.append("No compensation was given: notices show [coupon] where the template "
                     "offers one. Give one (e.g. '5% coupon') or use your own "
                     "proactive_delay_notice template without {coupon}.")
    return _batch(rows, interactions, notes)


def _announcements(orders: pd.DataFrame, members: dict[str, list[tuple[_Customer, str | None]]],
                   gb_eta: dict[str, Any], lib: _Library, *, now: pd.Timestamp,
                   progress: str | None, handler: str | None, notice_key: str,
                   seller: Settings, days: int | None = None,
                   comp: Compensation | None = None,
                   coupon: str | None = None) -> list[dict[str, Any]]:
    """One group_buy_delay_notice per group buy and language of its affected buyers.

    The compensation goes into the announcement only when it is the same for everyone
    (free text, or a percent coupon with one shared code); per-customer codes stay in
    the personal notices and the template's {coupon} fallback points there.
    """
    if not members:
        return []
    gb_keys = id_key(_col(orders, "group_buy_id"))
    status = _lower(_col(orders, "status"))
    shipped = _when(_col(orders, "ship_date")).notna() | status.isin(
        SHIPPED_ORDER_STATUSES | {"delivered"})
    rows = []
    for gb, people in members.items():
        in_gb = (gb_keys == gb).to_numpy()
        shown_id = str(orders.loc[in_gb, "group_buy_id"].iloc[0]).strip()
        total, done = int(in_gb.sum()), int(shipped[in_gb].sum())
        by_language: dict[str | None, list[_Customer]] = {}
        for person, language in people:
            by_language.setdefault(language, []).append(person)
        for language, buyers in sorted(by_language.items(), key=lambda kv: str(kv[0])):
            shared = None
            if comp is not None and comp.kind == "text":
                shared = comp.text
            elif comp is not None and comp.kind == "percent" and _text(coupon):
                shared = _coupon_text(comp, str(coupon).strip(), language, None)
            values = {"group_buy_id": shown_id,
                      "progress": progress or phrase("progress", language, done=done,
                                                     total=total),
                      "days": days, "coupon": shared,
                      "eta": gb_eta[gb].date() if gb in gb_eta else None,
                      "seller_name": seller.seller_name or None}
            rendered = lib.render("group_buy_delay_notice", values, language=language,
                                  seller_language=seller.seller_language)
            channels = Counter(p.channel for p in buyers if p.channel)
            channel = sorted(channels.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] \
                if channels else None
            names = ", ".join(p.name or p.customer_id for p in buyers)
            rows.append(_draft(
                "group_announcement", "GB", [gb, language, notice_key], now=now,
                customer=None, rendered=rendered, handler=handler, channel=channel,
                name=f"Group buy {shown_id} ({rendered['language']}, {len(buyers)} buyers: "
                     f"{names})",
                members=", ".join(p.customer_id for p in buyers)))
    return rows


# --- export ---------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A CSV cell that Excel will not read as a formula: text starting with = + - @
    (or a tab or carriage return) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe_name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-") or "Other"


def export_drafts(drafts: DraftBatch | pd.DataFrame, folder: str | Path, *,
                  stem: str = "drafts") -> list[Path]:
    """Write drafts for sending by hand: ``<stem>.csv`` (UTF-8 with BOM so Excel reads it;
    columns :data:`EXPORT_COLUMNS`; cells that could run as formulas neutralised) and one
    ``<stem>-<Channel>.txt`` per channel, blocks of ``To: name (contact)``, the message
    and ``----``, ready to paste into WhatsApp, WeChat or a mail program.

    Each file is written atomically: it is either the previous file or the whole new
    one. Returns the files written, the CSV first.
    """
    frame = drafts.drafts if isinstance(drafts, DraftBatch) else drafts
    folder = Path(folder)
    files: list[Path] = []
    out = pd.DataFrame({
        "customer": _col(frame, "customer_id"), "name": _col(frame, "name"),
        "channel": _col(frame, "channel"), "contact": _col(frame, "contact"),
        "language": _col(frame, "language"), "message": _col(frame, "message"),
        "subject": _col(frame, "subject"), "coupon": _col(frame, "coupon"),
        "interaction_id": _col(frame, "interaction_id")}, columns=EXPORT_COLUMNS)
    out = out.astype(object).map(neutralise)
    blocks: dict[str, list[str]] = {}
    for name, customer, contact, channel, subject, message in zip(
            _col(frame, "name").tolist(), _col(frame, "customer_id").tolist(),
            _col(frame, "contact").tolist(), _col(frame, "channel").tolist(),
            _col(frame, "subject").tolist(), _col(frame, "message").tolist()):
        if not isinstance(message, str):
            continue
        who = _text(name) or _text(customer) or "?"
        to = f"To: {who} ({contact.strip()})" if _text(contact) else f"To: {who}"
        channel_name = _text(channel) or "Other"
        lines = [to]
        if channel_name == "Email" and _text(subject):
            lines.append(f"Subject: {subject.strip()}")
        lines += [message.rstrip(), "----", ""]
        blocks.setdefault(channel_name, []).append("\n".join(lines))
    # Each file is whole or absent (temp file, then replace): a full disk or a file
    # open elsewhere never leaves half a CSV for someone to send from.
    contents = [(folder / f"{stem}.csv", out.to_csv(
        index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").encode("utf-8-sig"))]
    contents += [(folder / f"{stem}-{_safe_name(name)}.txt",
                  "\n".join(blocks[name]).encode("utf-8")) for name in sorted(blocks)]
    try:
        for path, data in contents:
            write_atomically(path, data)
            files.append(path)
    except OSError as exc:
        raise ConfigError(f"Cannot write the drafts to the folder '{folder}' "
                          f"({exc.strerror or exc}). Choose a folder you can write to."
                          ) from None
    return files


# --- surveys --------------------------------------------------------------------------

def survey_token(dispute_id: Any, key: str | bytes | None = None) -> str:
    """The token of a dispute's rating link: 20 hex digits of HMAC-SHA256 of the Dispute
    ID under the seller's survey key; without a key, a plain SHA-256 (stable, but anyone
    who knows a Dispute ID could work it out: set a key).

    >>> survey_token("D-1") == survey_token(" d-1 ")
    True
    """
    text = ("kakobuy-survey:" + str(dispute_id).strip().casefold()).encode("utf-8")
    if key:
        secret = key.encode("utf-8") if isinstance(key, str) else key
        return hmac.new(secret, text, hashlib.sha256).hexdigest()[:20]
    return hashlib.sha256(text).hexdigest()[:20]


def survey_link(survey_url: str, token: str) -> str:
    """The link for one dispute: ``{token}`` in the URL is replaced, else ``t=<token>``
    is added. The link never carries a score: opening it cannot vote."""
    if "{token}" in survey_url:
        return survey_url.replace("{token}", token)
    return survey_url + ("&" if "?" in survey_url else "?") + f"t={token}"


def _surveyed(interactions: pd.DataFrame | None, prefix: str) -> pd.DataFrame:
    """Outbound rows whose Interaction ID has ``prefix`` (drafted or sent), with keys."""
    if interactions is None or not len(interactions):
        return pd.DataFrame(columns=["dispute_key", "customer_key", "timestamp", "status"])
    ids = _lower(_col(interactions, "interaction_id"))
    mask = ids.str.startswith(prefix.casefold() + "-")
    part = interactions[mask.to_numpy()]
    return pd.DataFrame({"dispute_key": id_key(_col(part, "dispute_id")),
                         "customer_key": id_key(_col(part, "customer_id")),
                         "timestamp": _when(_col(part, "timestamp")),
                         "status": _lower(_col(part, "status"))}, index=part.index)


def survey_drafts(disputes: pd.DataFrame, customers: pd.DataFrame | None,
                  interactions: pd.DataFrame | None, templates: pd.DataFrame | None, *,
                  now: Any, survey_url: str | None = None,
                  after_hours: float = DEFAULT_SURVEY_AFTER_HOURS,
                  survey_key: str | bytes | None = None,
                  seller: Settings | None = None) -> DraftBatch:
    """Satisfaction surveys (scenario ``satisfaction_survey``) for disputes that are
    settled (``disputes.is_closed``) with a Resolved At at least ``after_hours`` ago, have
    no CSAT and have no survey drafted or sent yet (an ``SV-`` interaction for the
    dispute, whatever its Status: an unsent draft is not drafted again).

    ``{survey_link}`` gets a whole sentence in the draft's language: with ``survey_url``,
    "Tap to rate ...: <link>" where the link carries the dispute's token only
    (:func:`survey_token`); without it, "Just reply to this message with a number from 1
    ... to 5 ..." (recorded by :func:`survey_answers` once the draft is sent and its
    Status set to ``sent``; a reply counts for :data:`SURVEY_REPLY_DAYS` days).
    """
    seller = _seller(seller)
    now_ts = _now(now)
    status = _lower(_col(disputes, "status"))
    resolved = _when(_col(disputes, "resolved_at"))
    csat = pd.to_numeric(_col(disputes, "csat"), errors="coerce")
    d_keys = id_key(_col(disputes, "dispute_id"))
    c_keys = id_key(_col(disputes, "customer_id"))
    done = _surveyed(interactions, "SV")["dispute_key"].dropna()
    due = (is_closed(pd.DataFrame({"status": status, "resolved_at": resolved})) & resolved.notna()
           & (resolved <= now_ts - pd.Timedelta(hours=float(after_hours)))
           & csat.isna() & d_keys.notna() & c_keys.notna() & ~d_keys.isin(set(done)))
    notes = []
    undated = status.isin(CLOSED_DISPUTE_STATUSES) & resolved.isna() & csat.isna()
    if undated.any():
        notes.append(f"{int(undated.sum())} resolved dispute(s) have no Resolved At (rows "
                     + ", ".join(str(i) for i in disputes.index[undated][:10])
                     + "): no survey until it is filled in.")
    lib = _Library(templates)
    people = _customer_table(customers)
    rows = []
    part = disputes[due.to_numpy()]
    for d_key, c_key, customer_id, dispute_id, order_id, handler in zip(
            d_keys[due].tolist(), c_keys[due].tolist(), part["customer_id"].tolist(),
            part["dispute_id"].tolist(), _col(part, "order_id").tolist(),
            _col(part, "handler").tolist()):
        # Not on the Customers sheet: the ID as typed on the dispute, not its match key.
        person = people.get(c_key) or _Customer(c_key, str(customer_id).strip())
        language = lib.language("satisfaction_survey", person.preferred, person.detected,
                                seller.seller_language)
        link = phrase("rate_link", language,
                      url=survey_link(survey_url, survey_token(dispute_id, survey_key))) \
            if _text(survey_url) else phrase("rate", language)
        values = {"customer_name": person.name, "survey_link": link, "order_id": _text(order_id),
                  "seller_name": seller.seller_name or None}
        rendered = lib.render("satisfaction_survey", values, language=language,
                              country=person.country)
        rows.append(_draft("survey", "SV", [d_key], now=now_ts, customer=person,
                           rendered=rendered, handler=handler, order_id=order_id,
                           dispute_id=dispute_id))
    return _batch(rows, interactions, notes)


_STARS = re.compile(r"^[★⭐☆✩✰]{1,5}$")
_RATING = re.compile(r"^([1-5])\s*(?:/\s*5|(?:stars?|[★⭐]))?\s*[.!]?$", re.IGNORECASE)


def parse_rating(text: Any) -> int | None:
    """A 1-5 rating from a reply that holds just a rating, else None.

    Accepted: a digit ("4", full-width "４"), "4/5", "4 stars" / "4⭐", and stars
    ("⭐⭐⭐⭐", "★★★★☆"). Anything else (words, other numbers such as order numbers, two
    numbers) is not a rating.

    >>> [parse_rating(t) for t in ["4", "4/5", "⭐⭐⭐", "５ stars", "10", "4 or 5"]]
    [4, 4, 3, 5, None, None]
    """
    if not isinstance(text, str) or len(text) > 24:
        return None
    # NFKC turns full-width digits and slashes into ASCII; the variation selector of an
    # emoji star is dropped so "⭐️" counts as one star.
    t = unicodedata.normalize("NFKC", text).replace("\ufe0f", "").strip()
    if not t:
        return None
    compact = t.replace(" ", "")
    if _STARS.match(compact):
        filled = sum(ch in "★⭐" for ch in compact)
        return filled if 1 <= filled <= 5 else None
    m = _RATING.match(t)
    return int(m.group(1)) if m else None


def _empty_answers(disputes: pd.DataFrame) -> pd.DataFrame:
    return _answers_frame(disputes, [None] * len(disputes))


def _answers_frame(disputes: pd.DataFrame, found: list[tuple[Any, Any, Any] | None]
                   ) -> pd.DataFrame:
    """:data:`ANSWER_COLUMNS` from one (rating, answer id, time) or None per dispute."""
    return pd.DataFrame({
        "csat": pd.array([f[0] if f else pd.NA for f in found], dtype="Int64"),
        "answer_interaction_id": pd.Series([f[1] if f else None for f in found], dtype=object,
                                           index=disputes.index),
        "answered_at": pd.to_datetime(pd.Series([f[2] if f else pd.NaT for f in found],
                                                index=disputes.index, dtype=object)),
    }, index=disputes.index)


def _survey_windows(disputes: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """Sent surveys and when their chat answers are accepted: columns ``dispute_key``,
    ``customer_key``, ``survey_at``, ``until`` (SURVEY_REPLY_DAYS on) and ``closed_at``
    (the next message we sent that customer that is neither a survey nor a rating echo;
    NaT when none)."""
    surveys = _surveyed(interactions, "SV")
    # A draft was never seen by the customer: nothing they write answers it.
    surveys = surveys[surveys["status"] == "sent"].dropna(subset=["dispute_key", "timestamp"])
    if not len(surveys):
        return pd.DataFrame(columns=["dispute_key", "customer_key", "survey_at", "until",
                                     "closed_at"])
    # The surveyed customer: on the survey row, else the dispute's.
    owner = related(surveys["dispute_key"], disputes["dispute_id"],
                    _col(disputes, "customer_id"))
    surveys = pd.DataFrame({
        "dispute_key": surveys["dispute_key"],
        "customer_key": surveys["customer_key"].where(surveys["customer_key"].notna(),
                                                      id_key(owner)),
        "survey_at": surveys["timestamp"].astype("datetime64[ns]")}).dropna()
    ids = _lower(_col(interactions, "interaction_id"))
    other_out = ((_lower(_col(interactions, "direction")) == "out")
                 & (_lower(_col(interactions, "status")) != "draft")
                 & ~ids.str.startswith("sv-") & ~ids.str.startswith("sc-"))
    part = interactions[other_out.to_numpy()]
    closers = pd.DataFrame({"customer_key": id_key(_col(part, "customer_id")),
                            "closed_at": _when(_col(part, "timestamp")).astype(
                                "datetime64[ns]")}).dropna()
    # The first such message strictly after each survey ends its answers: from then on
    # a number is more likely an answer to that message ("how many?") than a rating.
    windows = pd.merge_asof(surveys.sort_values("survey_at"),
                            closers.sort_values("closed_at"), left_on="survey_at",
                            right_on="closed_at", by="customer_key", direction="forward",
                            allow_exact_matches=False)
    windows["until"] = windows["survey_at"] + pd.Timedelta(days=SURVEY_REPLY_DAYS)
    return windows


def survey_answers(disputes: pd.DataFrame, interactions: pd.DataFrame | None, *,
                   now: Any = None) -> pd.DataFrame:
    """Ratings to record on Disputes from chat replies to surveys.

    Only surveys that were sent count: an ``SV-`` row whose Status is ``sent`` (send the
    draft, then set its Status to sent). A reply counts when it is inbound, from the
    surveyed customer, holds just a rating (:func:`parse_rating`), and came after the
    survey, within :data:`SURVEY_REPLY_DAYS` days of its Timestamp, before the next
    message sent to that customer that is not a survey or a rating echo (a draft does
    not count: the customer has not seen it), and no later than ``now``. A reply that
    names a Dispute ID counts only for that dispute; otherwise it goes to the customer's
    most recent survey before it. The latest reply wins. ``csat`` is filled where CSAT is
    empty, or where CSAT holds an earlier reply's rating (the customer changed it); a
    CSAT typed by a person is never overwritten.

    Returns :data:`ANSWER_COLUMNS` indexed like ``disputes``.
    """
    out = _empty_answers(disputes)
    if interactions is None or not len(interactions):
        return out
    windows = _survey_windows(disputes, interactions)
    if not len(windows):
        return out
    inbound = _lower(_col(interactions, "direction")) != "out"
    messages = _col(interactions, "message")
    short = map_distinct(messages, lambda v: isinstance(v, str) and len(v) <= 24, False)
    cand = interactions[(inbound & short.astype(bool)).to_numpy()]
    ratings = map_distinct(_col(cand, "message"), parse_rating)
    cand, ratings = cand[ratings.notna().to_numpy()], ratings[ratings.notna()]
    if not len(cand):
        return out
    replies = pd.DataFrame({"answer_id": _col(cand, "interaction_id").astype(object),
                            "customer_key": id_key(_col(cand, "customer_id")),
                            "named": id_key(_col(cand, "dispute_id")),
                            "at": _when(_col(cand, "timestamp")).astype("datetime64[ns]"),
                            "rating": ratings.astype(int)})
    now_ts = _timestamp(now, "current time")
    if now_ts is not None:
        replies = replies[replies["at"] <= now_ts]
    pairs = replies.merge(windows, on="customer_key")
    pairs = pairs[(pairs["at"] > pairs["survey_at"]) & (pairs["at"] <= pairs["until"])
                  & (pairs["closed_at"].isna() | (pairs["at"] < pairs["closed_at"]))
                  & (pairs["named"].isna() | (pairs["named"] == pairs["dispute_key"]))]
    if not len(pairs):
        return out
    # One survey per reply: the latest survey sent before it.
    pairs = pairs.sort_values(["at", "survey_at"], kind="stable").drop_duplicates(
        ["answer_id", "at", "customer_key"], keep="last")
    current = first_by_id(_col(disputes, "dispute_id"),
                          pd.to_numeric(_col(disputes, "csat"), errors="coerce"))
    pairs = pairs.sort_values(["dispute_key", "at"], kind="stable")
    history: dict[str, list[tuple[int, Any, Any]]] = {}
    for d_key, rating, answer_id, at in zip(pairs["dispute_key"].tolist(),
                                            pairs["rating"].tolist(),
                                            pairs["answer_id"].tolist(), pairs["at"].tolist()):
        history.setdefault(d_key, []).append((int(rating), answer_id, at))
    rows = {}
    for d_key, answers in history.items():
        last = answers[-1]
        now_csat = current.get(d_key)
        earlier = {a[0] for a in answers[:-1]}
        empty = now_csat is None or pd.isna(now_csat)
        # A CSAT equal to an earlier reply came from that reply: the customer may change it.
        if empty or (now_csat in earlier and now_csat != last[0]):
            rows[d_key] = last
    d_keys = id_key(_col(disputes, "dispute_id"))
    return _answers_frame(disputes, [rows.get(k) for k in d_keys.tolist()])


_YES = {"yes", "y", "true", "1", "confirmed", "x", "✓"}
# A form's score label: "5 - Very satisfied", "4: good", "3 (ok)"; not "4.5" or "45".
_LABELLED = re.compile(r"^([1-5])(?![0-9]|[.,][0-9])\s*[^0-9\s]")


def _whole_rating(number: float) -> int | None:
    return int(number) if math.isfinite(number) and number == int(number) \
        and 1 <= number <= 5 else None


def _form_score(value: Any) -> int | None:
    """A 1-5 score from a web form's cell. Forms export numbers ("4", "4.0", 4.0) and
    labelled choices ("5 - Very satisfied"), so this reads more than a chat reply
    (:func:`parse_rating` stays strict: in chat, "5 boxes" is not a rating)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)):
        return _whole_rating(float(value))
    if not isinstance(value, str):
        return None
    t = unicodedata.normalize("NFKC", value).strip()
    try:
        return _whole_rating(float(t.replace(",", ".")))
    except ValueError:
        pass
    rating = parse_rating(t)
    if rating is not None:
        return rating
    m = _LABELLED.match(t)
    return int(m.group(1)) if m else None


def survey_form_answers(disputes: pd.DataFrame, form: pd.DataFrame | str | Path, *,
                        survey_key: str | bytes | None = None) -> pd.DataFrame:
    """Ratings to record from a web form's CSV export (columns ``token``, ``score``,
    ``confirmed``; an optional ``timestamp`` orders repeated answers, else file order).

    Only confirmed answers count (the form's confirm step: a link scanner that opens the
    link never submits). Scores are whole numbers 1-5, written as numbers ("4", "4.0",
    4.0), labelled choices ("5 - Very satisfied") or anything :func:`parse_rating` reads.
    Filled only where CSAT is empty. Returns :data:`ANSWER_COLUMNS` indexed like ``disputes``.
    """
    if not isinstance(form, pd.DataFrame):
        path = Path(form)
        try:
            form = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise ConfigError(f"Cannot read the survey answers '{path.name}' ({exc}). "
                              "Export the form's answers as a CSV file.") from None
    columns = {str(c).strip().casefold(): c for c in form.columns}
    lacking = [c for c in ("token", "score", "confirmed") if c not in columns]
    if lacking:
        raise ConfigError("The survey answers have no column " + ", ".join(
            f"'{c}'" for c in lacking) + f" (found: {', '.join(map(str, form.columns))}). "
            "Rename the headers to token, score and confirmed.")
    f = pd.DataFrame({"token": form[columns["token"]].astype(str).str.strip().str.lower(),
                      "score": form[columns["score"]].map(_form_score),
                      "confirmed": _lower(form[columns["confirmed"]].astype(object)).isin(_YES)})
    for name in ("timestamp", "submitted_at", "submitted"):
        if name in columns:
            f["at"] = _when(form[columns[name]])
            break
    else:
        f["at"] = pd.NaT
    f = f[f["confirmed"] & f["score"].notna()]
    if "at" in f and f["at"].notna().any():
        f = f.sort_values("at", kind="stable")
    latest = f.drop_duplicates("token", keep="last").set_index("token")
    tokens = [survey_token(d, survey_key) if _text(d) else None
              for d in _col(disputes, "dispute_id").tolist()]
    csat = pd.to_numeric(_col(disputes, "csat"), errors="coerce")
    found = [(int(latest.loc[token, "score"]), None, latest.loc[token, "at"])
             if token in latest.index and pd.isna(c) else None
             for token, c in zip(tokens, csat.tolist())]
    return _answers_frame(disputes, found)


def rating_confirmations(answers: pd.DataFrame, disputes: pd.DataFrame,
                         customers: pd.DataFrame | None,
                         interactions: pd.DataFrame | None, *, now: Any,
                         seller: Settings | None = None) -> DraftBatch:
    """The echo of each chat rating (:func:`survey_answers`): "You rated us 4/5 — thank
    you! Reply with another number to change it.", in the customer's language (preferred,
    else the language of their reply, else the seller's)."""
    seller = _seller(seller)
    now_ts = _now(now)
    people = _customer_table(customers)
    reply_language: dict[str, Any] = {}
    if interactions is not None and "language" in interactions:
        reply_language = dict(zip(id_key(interactions["interaction_id"]).tolist(),
                                  interactions["language"].tolist()))
    got = answers["csat"].notna() & answers["answer_interaction_id"].notna()
    rows = []
    for i in answers.index[got.to_numpy()]:
        d = disputes.loc[i]
        c_key = id_key(pd.Series([d.get("customer_id")])).iloc[0]
        person = people.get(c_key) if c_key else None
        answer_id = str(answers.loc[i, "answer_interaction_id"])
        language, _ = choose_language(PHRASES, person.preferred if person else None,
                                      reply_language.get(answer_id.strip().casefold()),
                                      seller.seller_language)
        text = phrase("rated", language, score=int(answers.loc[i, "csat"]))
        if seller.seller_name:
            text += "\n" + seller.seller_name
        rendered = {"message": text, "language": language}
        rows.append(_draft("rating_confirmation", "SC",
                           [str(d.get("dispute_id")).strip().casefold(), answer_id.casefold()],
                           now=now_ts, customer=person or (_Customer(c_key, str(
                               d.get("customer_id")).strip()) if c_key else None),
                           rendered=rendered, handler=d.get("handler"),
                           order_id=d.get("order_id"), dispute_id=d.get("dispute_id")))
    return _batch(rows, interactions, [])


# --- follow-ups -----------------------------------------------------------------------

def follow_up_drafts(customers: pd.DataFrame, disputes: pd.DataFrame | None,
                     interactions: pd.DataFrame | None, templates: pd.DataFrame | None, *,
                     now: Any, quiet_days: float = DEFAULT_QUIET_DAYS,
                     seller: Settings | None = None) -> DraftBatch:
    """A proactive follow-up for each high-risk customer (Segment = high-risk) who has
    had no outbound message (drafted or sent) in the last ``quiet_days`` and has no
    follow-up waiting as a draft.

    Scenario ``follow_up`` about their latest dispute's order; ``negative_review_recovery``
    when they threatened a bad review or a public post in the last
    :data:`THREAT_LOOKBACK_DAYS` days. The ID hashes the customer and their last inbound
    message, so a customer gets one follow-up per spell of silence.
    """
    seller = _seller(seller)
    now_ts = _now(now)
    if customers is None or "segment" not in customers or not len(customers):
        return _batch([], interactions, [])
    risky = _lower(customers["segment"]) == "high-risk"
    keys = id_key(customers["customer_id"])
    wanted = set(keys[risky & keys.notna()])
    if not wanted:
        return _batch([], interactions, [])
    inter = interactions if interactions is not None else pd.DataFrame(
        columns=["customer_id", "direction", "timestamp"])
    ikeys = id_key(_col(inter, "customer_id"))
    mine = ikeys.isin(wanted).to_numpy()
    inter, ikeys = inter[mine], ikeys[mine]
    at = _when(_col(inter, "timestamp"))
    out_mask = _lower(_col(inter, "direction")) == "out"
    last_out = at[out_mask].groupby(ikeys[out_mask]).max()
    last_in = at[~out_mask].groupby(ikeys[~out_mask]).max()
    pending = _surveyed(inter, "FU")
    pending = set(pending.loc[pending["status"] == "draft", "customer_key"].dropna())
    # Public threats: in their recent messages or their disputes' descriptions.
    recent = ~out_mask & (at >= now_ts - pd.Timedelta(days=THREAT_LOOKBACK_DAYS))
    threatened = {k for k, m in zip(ikeys[recent].tolist(), _col(inter, "message")[recent])
                  if "public" in signals(m)}
    latest: dict[str, dict[str, Any]] = {}
    if disputes is not None and len(disputes):
        dkeys = id_key(_col(disputes, "customer_id"))
        theirs = dkeys.isin(wanted).to_numpy()
        dpart = disputes[theirs].assign(
            _key=dkeys[theirs], _at=_when(_col(disputes, "opened_at"))[theirs],
            _open=~is_closed(pd.DataFrame({
                "status": _lower(_col(disputes, "status")),
                "resolved_at": _col(disputes, "resolved_at")}))[theirs])
        # Oldest first by Opened At (undated first, ties in sheet order): the last wins.
        for rec in dpart.sort_values("_at", na_position="first", kind="stable"
                                     ).to_dict("records"):
            latest[rec["_key"]] = rec
            if rec["_open"] and "public" in signals(rec.get("description")):
                threatened.add(rec["_key"])
    with_order = id_key(_col(inter, "order_id")).notna().to_numpy()
    ordered = pd.DataFrame({"key": ikeys[with_order], "at": at[with_order],
                            "order_id": _col(inter, "order_id")[with_order]})
    # The latest message naming an order by Timestamp (ties: sheet order), not by row.
    ordered = ordered.sort_values("at", na_position="first", kind="stable").drop_duplicates(
        "key", keep="last")
    last_order = dict(zip(ordered["key"].tolist(), ordered["order_id"].tolist()))
    lib = _Library(templates)
    people = _customer_table(customers)
    quiet_since = now_ts - pd.Timedelta(days=float(quiet_days))
    rows = []
    for key in sorted(wanted):
        lo = last_out.get(key)
        if (lo is not None and not pd.isna(lo) and lo > quiet_since) or key in pending:
            continue
        person = people[key]
        dispute = latest.get(key, {})
        order_id = _text(dispute.get("order_id")) or _text(last_order.get(key))
        scenario = "negative_review_recovery" if key in threatened else "follow_up"
        values = {"customer_name": person.name, "order_id": order_id,
                  "seller_name": seller.seller_name or None}
        rendered = lib.render(scenario, values, preferred=person.preferred,
                              detected=person.detected, seller_language=seller.seller_language,
                              country=person.country)
        li = last_in.get(key)
        anchor = "" if li is None or pd.isna(li) else pd.Timestamp(li).isoformat()
        rows.append(_draft("follow_up", "FU", [key, anchor], now=now_ts, customer=person,
                           rendered=rendered, handler=dispute.get("handler"),
                           order_id=order_id, dispute_id=dispute.get("dispute_id")))
    notes = []
    unknown = [r["customer_id"] for r in rows if r["order_id"] is None and
               r["missing"] and "order_id" in r["missing"]]
    if unknown:
        notes.append("No order is known for " + ", ".join(unknown) + ": their follow-up "
                     "shows [order_id]; fill in the Order ID on their disputes or messages.")
    return _batch(rows, interactions, notes)


__all__ = [
    "ANSWER_COLUMNS", "Compensation", "DETAIL_COLUMNS", "DRAFT_COLUMNS", "DraftBatch",
    "EXPORT_COLUMNS", "PHRASES", "SURVEY_REPLY_DAYS", "affected_orders", "coupon_code", "delay_notices",
    "export_drafts", "follow_up_drafts", "neutralise", "parse_compensation", "parse_rating",
    "phrase", "rating_confirmations", "survey_answers", "survey_drafts", "survey_form_answers",
    "survey_link", "survey_token",
]
