"""Read marketplace order exports into one order per row.

Kinds:

* ``shopify``: Orders > Export. One row per line item; order-level fields (Total,
  Financial Status, ...) only on the first row of each order.
* ``ebay``: Seller Hub "Orders report". A blank line may come before the header, a
  summary line may come before an order's item lines, and a footer ("3 record(s)
  downloaded", "Seller ID: ...") after the data; US and UK header spellings both work.
* ``tiktok``: TikTok Shop "All orders". UTF-8 with BOM, IDs and times ending in a TAB,
  statuses in the seller centre's language (English, Thai, Chinese, ...).
* ``csv``: any CSV with a saved column mapping ``{our header: their header}`` (see
  :data:`MAPPING_FIELDS`); columns whose header already is ours map themselves. A
  mapping is kept as a small JSON file beside the workbook, e.g.
  ``shop.mapping-aliexpress.json``: :func:`save_mapping` / :func:`load_mapping`.

Every value stays text except the numeric and date fields; a value that cannot be read
is reported with its line number and left empty, and a line that cannot be read at all
is reported and skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..errors import ConfigError, WorkbookError
from ..schema import ORDER_STATUSES, normalise_header
from ..validation import parse_date, parse_number
from .sources import Source, decode_text, read_bytes, source_name

SHOP_KINDS = ("shopify", "ebay", "tiktok", "csv")
PLATFORM_OF = {"shopify": "Shopify", "ebay": "eBay", "tiktok": "TikTok Shop", "csv": None}
PROBLEM_COLUMNS = ["line", "column", "value", "why"]

_DATE_FIELDS = ("order_date", "paid_at", "ship_date", "delivered_date", "expected_delivery",
                "cancelled_at", "dispute_opened")
_MONEY_FIELDS = ("item_price", "line_total", "order_value", "shipping_cost", "product_cost",
                 "refund_amount")
_INT_FIELDS = ("qty", "return_qty")
# Fields that describe the order (same on every item row) rather than one item.
_ITEM_FIELDS = ("product", "variation", "sku", "qty", "item_price", "line_total", "return_qty")

#: Generic CSV: our header -> field. Orders headers, plus the customer and dispute
#: fields an export may carry.
MAPPING_FIELDS: dict[str, str] = {
    "Order ID": "order_id", "Customer ID": "customer_id", "Platform": "platform",
    "Order Date": "order_date", "Product": "product", "SKU": "sku", "Qty": "qty",
    "Order Value": "order_value", "Currency": "currency", "Shipping Cost": "shipping_cost",
    "Product Cost": "product_cost", "Carrier": "carrier", "Tracking No": "tracking_no",
    "Ship Date": "ship_date", "Destination Country": "destination_country",
    "Expected Delivery": "expected_delivery", "Delivered Date": "delivered_date",
    "Status": "status_raw", "Group Buy ID": "group_buy_id",
    "Name": "customer_name", "Email": "email", "Phone": "phone",
    "Platform Handle": "handle", "Country": "country",
    "Dispute Reason": "dispute_reason", "Dispute Status": "dispute_status",
    "Platform Case ID": "case_id", "Refund Amount": "refund_amount",
    "Opened At": "dispute_opened",
}

# field -> the platform's headers, first found wins (compared like the contract does).
_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "shopify": {
        "order_id": ("Name",), "email": ("Email",), "financial_status": ("Financial Status",),
        "paid_at": ("Paid at",), "fulfillment_status": ("Fulfillment Status",),
        "ship_date": ("Fulfilled at",), "currency": ("Currency",),
        "shipping_cost": ("Shipping",), "order_value": ("Total",),
        "order_date": ("Created at",), "qty": ("Lineitem quantity",),
        "product": ("Lineitem name",), "item_price": ("Lineitem price",),
        "sku": ("Lineitem sku",), "customer_name": ("Billing Name", "Shipping Name"),
        "phone": ("Phone", "Shipping Phone", "Billing Phone"),
        "destination_country": ("Shipping Country",),
        "country": ("Shipping Country", "Billing Country"),
        "cancelled_at": ("Cancelled at",), "refund_amount": ("Refunded Amount",),
        "carrier": ("Shipping Method",), "tracking_no": ("Tracking Number",),
        "dispute_reason": ("Dispute Reason", "Chargeback Reason"),
        "case_id": ("Dispute ID", "Chargeback ID"), "dispute_status": ("Dispute Status",),
        "dispute_opened": ("Dispute Opened At", "Dispute Date"),
    },
    "ebay": {
        "order_id": ("Order Number",), "handle": ("Buyer Username", "User ID"),
        "customer_name": ("Buyer Name", "Ship To Name", "Post to name"),
        "email": ("Buyer Email",),
        "phone": ("Ship To Phone", "Post to phone", "Buyer Phone"),
        "country": ("Buyer Country", "Ship To Country", "Post to country"),
        "destination_country": ("Ship To Country", "Post to country", "Buyer Country"),
        "product": ("Item Title",), "sku": ("Custom Label",), "qty": ("Quantity",),
        "item_price": ("Sold For",), "shipping_cost": ("Shipping And Handling",
                                                       "Postage and packaging"),
        "order_value": ("Total Price",), "order_date": ("Sale Date",),
        "paid_at": ("Paid On Date", "Paid on date"),
        "ship_date": ("Shipped On Date", "Dispatched on date"),
        "carrier": ("Shipping Service", "Delivery service", "Postage service"),
        "tracking_no": ("Tracking Number",), "delivered_date": ("Delivery Date",),
        "status_raw": ("Order Status",),
        "dispute_reason": ("Return Reason", "Case Reason", "Dispute Reason"),
        "dispute_status": ("Return Status", "Case Status", "Dispute Status"),
        "case_id": ("Return ID", "Case ID", "Request ID"),
        "refund_amount": ("Refund Amount", "Refunded Amount"),
        "dispute_opened": ("Return Opened Date", "Case Opened Date"),
    },
    "tiktok": {
        "order_id": ("Order ID",), "status_raw": ("Order Status",),
        "dispute_status": ("Order Substatus",),
        "return_type": ("Cancelation/Return Type", "Cancellation/Return Type"),
        "sku": ("Seller SKU", "SKU ID"), "product": ("Product Name",),
        "variation": ("Variation",), "qty": ("Quantity",),
        "line_total": ("SKU Subtotal After Discount",),
        "item_price": ("SKU Unit Original Price",),
        "shipping_cost": ("Shipping Fee After Discount",), "order_value": ("Order Amount",),
        "order_date": ("Created Time",), "paid_at": ("Paid Time",),
        "ship_date": ("Shipped Time",), "delivered_date": ("Delivered Time",),
        "cancelled_at": ("Cancelled Time",), "tracking_no": ("Tracking ID",),
        "carrier": ("Shipping Provider Name", "Delivery Option"),
        "handle": ("Buyer Username",), "customer_name": ("Recipient",),
        "phone": ("Phone #", "Phone"), "country": ("Country",),
        "destination_country": ("Country",), "return_qty": ("Sku Quantity of return",),
        "dispute_reason": ("Return Reason", "Cancel Reason", "Refund Reason"),
        "refund_amount": ("Refund Amount", "Order Refund Amount"),
        "dispute_opened": ("Return Time", "Refund Time"),
        "case_id": ("Return Order ID", "Return ID"),
    },
}
# Headers that must be on the header row for the file to be that kind of export.
_REQUIRED = {"shopify": ("Name", "Lineitem name"), "ebay": ("Order Number",),
             "tiktok": ("Order ID", "Order Status")}

# Order statuses as the platforms write them, in the languages of their seller centres.
_STATUS_WORDS: dict[str, str] = {
    # English (TikTok, eBay, generic)
    "unpaid": "pending", "awaiting payment": "pending", "pending": "pending",
    "on hold": "pending", "paid": "paid", "awaiting shipment": "paid", "to ship": "paid",
    "awaiting collection": "processing", "ready to ship": "processing",
    "processing": "processing", "shipped": "shipped", "dispatched": "shipped",
    "in transit": "in_transit", "delivered": "delivered", "completed": "delivered",
    "complete": "delivered", "cancelled": "cancelled", "canceled": "cancelled",
    "refunded": "refunded", "returned": "returned",
    # Thai
    "ยังไม่ชำระเงิน": "pending", "รอการชำระเงิน": "pending", "ที่ต้องจัดส่ง": "paid",
    "รอจัดส่ง": "paid", "จัดส่งแล้ว": "shipped", "อยู่ระหว่างจัดส่ง": "in_transit",
    "กำลังจัดส่ง": "in_transit", "จัดส่งสำเร็จ": "delivered", "ได้รับแล้ว": "delivered",
    "สำเร็จ": "delivered", "เสร็จสมบูรณ์": "delivered", "ยกเลิก": "cancelled",
    "ยกเลิกแล้ว": "cancelled", "คืนเงินแล้ว": "refunded",
    # Chinese
    "待付款": "pending", "未付款": "pending", "待发货": "paid", "待出货": "paid",
    "已发货": "shipped", "运输中": "in_transit", "配送中": "in_transit", "已送达": "delivered",
    "已签收": "delivered", "已完成": "delivered", "已取消": "cancelled", "已退款": "refunded",
    "已退货": "returned",
    # Vietnamese, Indonesian, Malay, Spanish, Portuguese
    "chờ thanh toán": "pending", "chờ giao hàng": "paid", "chờ lấy hàng": "processing",
    "đang giao": "in_transit", "đã giao": "delivered", "hoàn thành": "delivered",
    "đã hủy": "cancelled", "belum dibayar": "pending", "perlu dikirim": "paid",
    "dikirim": "shipped", "dalam pengiriman": "in_transit", "terkirim": "delivered",
    "selesai": "delivered", "dibatalkan": "cancelled", "belum bayar": "pending",
    "untuk dihantar": "paid", "dihantar": "shipped", "dalam penghantaran": "in_transit",
    "dibatalkan.": "cancelled", "no pagado": "pending", "pendiente de envío": "paid",
    "enviado": "shipped", "en tránsito": "in_transit", "entregado": "delivered",
    "completado": "delivered", "cancelado": "cancelled", "reembolsado": "refunded",
}

# Platform dispute / chargeback reasons (DISPUTE_REASON_CODES.md) -> our dispute types.
_REASON_CODES: dict[str, str] = {
    "product_not_received": "not_received", "merchandise_or_service_not_received":
    "not_received", "item_not_received": "not_received",
    "product_unacceptable": "quality_issue",
    "merchandise_or_service_not_as_described": "quality_issue",
    "significantly_not_as_described": "quality_issue", "not_as_described": "quality_issue",
    "counterfeit": "quality_issue",
    "credit_not_processed": "refund_not_processed",
}
_OTHER_CODES = {
    "bank_cannot_process", "customer_initiated", "debit_not_authorized", "duplicate",
    "fraudulent", "general", "incorrect_account_details", "insufficient_funds",
    "noncompliant", "subscription_cancelled", "subscription_canceled", "unrecognized",
    "check_returned", "unauthorised", "unauthorized", "duplicate_transaction",
    "incorrect_amount", "payment_by_other_means", "canceled_recurring_billing",
    "problem_with_remittance", "other", "transaction_issue", "fraud", "duplicate_amount",
    "amount_differs", "cancelled", "no_knowledge",
}
# Free-text return reasons (eBay, TikTok, typed) -> our types, first match wins.
_REASON_WORDS: tuple[tuple[str, str], ...] = (
    ("refund not", "refund_not_processed"), ("not refunded", "refund_not_processed"),
    ("customs", "customs"), ("damag", "damaged"), ("broken", "damaged"),
    ("wrong", "wrong_item"), ("different item", "wrong_item"), ("incorrect item", "wrong_item"),
    ("missing", "missing_parts"), ("incomplete", "missing_parts"),
    ("not received", "not_received"), ("didn't receive", "not_received"),
    ("did not receive", "not_received"), ("never arrived", "not_received"),
    ("lost", "not_received"), ("late", "delivery_delay"), ("delay", "delivery_delay"),
    ("not as described", "quality_issue"), ("defective", "quality_issue"),
    ("doesn't work", "quality_issue"), ("does not work", "quality_issue"),
    ("quality", "quality_issue"), ("fake", "quality_issue"), ("counterfeit", "quality_issue"),
    ("破损", "damaged"), ("损坏", "damaged"), ("发错", "wrong_item"), ("少件", "missing_parts"),
    ("未收到", "not_received"), ("质量", "quality_issue"), ("ชำรุด", "damaged"),
    ("เสียหาย", "damaged"), ("ผิด", "wrong_item"), ("ไม่ได้รับ", "not_received"),
)

_CURRENCY_SIGNS: tuple[tuple[str, str], ...] = (
    ("US $", "USD"), ("US$", "USD"), ("AU $", "AUD"), ("AU$", "AUD"), ("A$", "AUD"),
    ("C $", "CAD"), ("CA$", "CAD"), ("C$", "CAD"), ("HK$", "HKD"), ("NT$", "TWD"),
    ("NZ$", "NZD"), ("S$", "SGD"), ("R$", "BRL"), ("MX$", "MXN"), ("RM", "MYR"),
    ("Rp", "IDR"), ("$", "USD"), ("£", "GBP"), ("€", "EUR"), ("¥", "JPY"), ("₩", "KRW"),
    ("฿", "THB"), ("₫", "VND"), ("₹", "INR"), ("₱", "PHP"), ("₽", "RUB"), ("₺", "TRY"),
)
_ISO_CURRENCY = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_INVISIBLE = re.compile("[\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_FOOTER = re.compile(r"record\(s\) downloaded|^seller id\b|^total\b", re.IGNORECASE)
_DMY_LIKE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")


@dataclass
class ShopExport:
    """One export, read: ``orders`` holds one row per order (fields as in
    :data:`MAPPING_FIELDS` plus ``line``, ``lines``, ``platform``, ``status``); the
    problems table has the file's line numbers."""

    kind: str
    platform: str | None
    orders: pd.DataFrame
    problems: pd.DataFrame
    header_line: int
    rows_read: int


def load_mapping(path: Path) -> dict[str, str]:
    """Read a saved column mapping (a JSON object ``{our header: their header}``)."""
    try:
        data = json.loads(read_bytes(path).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The column mapping '{Path(path).name}' is not valid JSON ({exc}). "
                          "Fix it or save the mapping again.") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in data.items()):
        raise ConfigError(f"The column mapping '{Path(path).name}' must be a JSON object of "
                          '{"our header": "their header"} pairs.')
    return check_mapping(data)


def save_mapping(path: Path, mapping: Mapping[str, str]) -> Path:
    """Save a column mapping as JSON (e.g. beside the workbook) for the next import."""
    checked = check_mapping(mapping)
    text = json.dumps(checked, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise WorkbookError(f"Cannot save the column mapping '{Path(path).name}' "
                            f"({exc.strerror or exc}).") from None
    return Path(path)


def check_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping with our headers spelled as the contract does; unknown ones refused."""
    known = {normalise_header(h): h for h in MAPPING_FIELDS}
    out: dict[str, str] = {}
    for ours, theirs in mapping.items():
        header = known.get(normalise_header(ours))
        if header is None:
            raise ConfigError(
                f"The column mapping names '{ours}', which kakobuy does not import. Use one "
                f"of: {', '.join(MAPPING_FIELDS)}.")
        out[header] = str(theirs)
    return out


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    # TikTok ends IDs and times with a TAB; a BOM or direction mark may sneak in at
    # either end (checked first: this runs for every cell of the export).
    text = value.strip()
    if text and (_INVISIBLE.match(text) or _INVISIBLE.match(text[-1])):
        text = _INVISIBLE.sub("", text).strip()
    return text or None


def money(text: str) -> tuple[float | None, str | None]:
    """``'AU $12.50'`` -> ``(12.5, 'AUD')``; ``'1.234,50 EUR'`` -> ``(1234.5, 'EUR')``.

    >>> money("$900.00"), money("THB 1,200")
    ((900.0, 'USD'), (1200.0, 'THB'))
    """
    currency = None
    rest = text
    m = _ISO_CURRENCY.search(text)
    if m:
        currency, rest = m.group(1), text[:m.start()] + text[m.end():]
    else:
        for sign, code in _CURRENCY_SIGNS:
            if sign in text:
                currency, rest = code, text.replace(sign, "", 1)
                break
    return parse_number(rest), currency


def status_of(text: str | None) -> str | None:
    """Our order status for a platform's (possibly localised) status text."""
    if not text:
        return None
    key = " ".join(text.split()).casefold()
    if key.replace(" ", "_") in ORDER_STATUSES:
        return key.replace(" ", "_")
    return _STATUS_WORDS.get(key) or _STATUS_WORDS.get(key.rstrip("."))


def dispute_type_of(reason: str | None) -> str | None:
    """Our dispute type for a platform reason code or a typed return reason; None when
    it says nothing about the type (Type (auto) then decides from the description).

    >>> dispute_type_of("PRODUCT_NOT_RECEIVED"), dispute_type_of("Item arrived damaged")
    ('not_received', 'damaged')
    """
    if not reason:
        return None
    code = re.sub(r"[\s\-]+", "_", reason.strip()).casefold()
    if code in _REASON_CODES:
        return _REASON_CODES[code]
    if code in _OTHER_CODES:
        return "other"
    text = reason.casefold().replace("_", " ")
    for word, kind in _REASON_WORDS:
        if word in text:
            return kind
    return None


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(first line, values) of each CSV record; quoted values may span lines."""
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        if dialect.delimiter == "\t" and sample.count(",") > sample.count("\t"):
            dialect = csv.excel  # TikTok's trailing TABs are not separators
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(StringIO(text, newline=""), dialect)
    out: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            out.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise WorkbookError(f"Line {reader.line_num} cannot be read as CSV ({exc}); the file "
                            "may be cut short. Export it again.") from None
    return out


def _detect_day_first(values: list[str], default: bool) -> bool:
    firsts, seconds = [], []
    for v in values:
        m = _DMY_LIKE.match(v)
        if m:
            firsts.append(int(m.group(1)))
            seconds.append(int(m.group(2)))
    if any(a > 12 for a in firsts) and not any(b > 12 for b in seconds):
        return True
    if any(b > 12 for b in seconds) and not any(a > 12 for a in firsts):
        return False
    return default


def read_shop_export(kind: str, source: Source | str, mapping: Mapping[str, str] | None = None,
                     *, day_first: bool = True) -> ShopExport:
    """Read an order export of ``kind`` (shopify, ebay, tiktok, csv) from a path or bytes.

    ``mapping`` (csv only) maps our headers to the file's; ``day_first`` reads dates such
    as 03/04/2025 when no date in the file decides the order.
    """
    if kind not in SHOP_KINDS:
        raise ConfigError(f"Unknown export kind '{kind}'. Use one of: {', '.join(SHOP_KINDS)}.")
    name = source_name(source, "the export")
    text, replaced = decode_text(read_bytes(source))
    records = _rows(text)
    problems: list[tuple[int, str, str, str]] = []
    if replaced:
        problems.append((1, "", "", f"'{name}' is not UTF-8; it was read as Windows-1252. "
                         "Export it again as UTF-8 if letters look wrong."))
    header_at, columns = _find_header(kind, name, records, mapping)
    header_line, headers = records[header_at][0], records[header_at][1]
    index = {field: i for field, i in columns.items()}
    items: list[dict[str, Any]] = []
    rows_read = 0
    for line, values in records[header_at + 1:]:
        cleaned = [_clean(v) for v in values]
        filled = [v for v in cleaned if v is not None]
        if not filled:
            continue
        rows_read += 1
        if len(filled) <= 2 and _FOOTER.search(filled[0]):
            continue  # eBay's "3 record(s) downloaded" / "Seller ID : ..." footer
        if len(values) > len(headers) and any(cleaned[len(headers):]):
            problems.append((line, "", ",".join(values)[:80],
                             f"has {len(values)} values but the header (line {header_line}) "
                             f"has {len(headers)} columns; skipped"))
            continue
        item: dict[str, Any] = {"line": line}
        for field, i in index.items():
            item[field] = cleaned[i] if i < len(cleaned) else None
        if not item.get("order_id"):
            problems.append((line, _header_of(headers, index, "order_id"), "",
                             "has no order number; skipped"))
            continue
        items.append(item)

    if not items:
        orders = pd.DataFrame(columns=["line", "order_id"])
        return ShopExport(kind, PLATFORM_OF[kind], orders, pd.DataFrame(
            problems, columns=PROBLEM_COLUMNS), header_line, rows_read)
    dates = [it[f] for it in items for f in _DATE_FIELDS if it.get(f) is not None]
    dfirst = _detect_day_first(dates, day_first)
    _convert(items, list(index), headers, index, dfirst, problems)
    orders = _group_orders(kind, items)
    if "status_raw" in orders:
        status_header = _header_of(headers, index, "status_raw")
        unknown = orders["status"].isna() & orders["status_raw"].notna()
        for rec in orders[unknown].to_dict("records"):
            problems.append((rec["line"], status_header, rec["status_raw"],
                             "is a status kakobuy does not know; Status is left empty (type "
                             f"one of: {', '.join(ORDER_STATUSES)})"))
    probs = pd.DataFrame(problems, columns=PROBLEM_COLUMNS).sort_values("line", kind="stable")
    return ShopExport(kind, PLATFORM_OF[kind], orders, probs.reset_index(drop=True),
                      header_line, rows_read)


def _header_of(headers: list[str], index: Mapping[str, int], field: str) -> str:
    i = index.get(field)
    return _clean(headers[i]) or "" if i is not None and i < len(headers) else ""


def _find_header(kind: str, name: str, records: list[tuple[int, list[str]]],
                 mapping: Mapping[str, str] | None) -> tuple[int, dict[str, int]]:
    """The header row and where each field is in it."""
    for at, (_line, values) in enumerate(records[:15]):
        norm = [normalise_header(_clean(v) or "") for v in values]
        if not any(norm):
            continue
        if kind == "csv":
            return at, _csv_columns(name, values, norm, mapping)
        if all(normalise_header(h) in norm for h in _REQUIRED[kind]):
            columns: dict[str, int] = {}
            for field, candidates in _COLUMNS[kind].items():
                for c in candidates:
                    key = normalise_header(c)
                    if key in norm:
                        columns[field] = norm.index(key)
                        break
            return at, columns
    first = next((v for _, v in records if any(x.strip() for x in v)), [])
    shown = ", ".join(_clean(v) or "" for v in first[:10]) or "nothing"
    label = {"shopify": "a Shopify orders export", "ebay": "an eBay Seller Hub orders report",
             "tiktok": "a TikTok Shop orders export"}[kind]
    raise WorkbookError(
        f"'{name}' does not look like {label}: no header row with "
        f"{', '.join(repr(h) for h in _REQUIRED[kind])} in its first 15 lines (found: "
        f"{shown}). Export the orders again, or import it as kind 'csv' with a column mapping.")


def _csv_columns(name: str, values: list[str], norm: list[str],
                 mapping: Mapping[str, str] | None) -> dict[str, int]:
    wanted = check_mapping(mapping or {})
    columns: dict[str, int] = {}
    for ours, field in MAPPING_FIELDS.items():
        theirs = wanted.get(ours)
        if theirs is None:
            if normalise_header(ours) in norm:  # a column already headed like ours
                columns[field] = norm.index(normalise_header(ours))
            continue
        key = normalise_header(theirs)
        if key not in norm:
            shown = ", ".join(_clean(v) or "" for v in values[:15])
            raise ConfigError(f"The column mapping says '{ours}' is '{theirs}', but '{name}' "
                              f"has no such column (found: {shown}). Fix the mapping.")
        columns[field] = norm.index(key)
    if "order_id" not in columns:
        shown = ", ".join(_clean(v) or "" for v in values[:15])
        raise ConfigError(f"'{name}' has no column for 'Order ID' (found: {shown}). Map one "
                          "in the column mapping, e.g. {\"Order ID\": \"Order Number\"}.")
    return columns


def _convert(items: list[dict[str, Any]], fields: list[str], headers: list[str],
             index: Mapping[str, int], day_first: bool,
             problems: list[tuple[int, str, str, str]]) -> None:
    """Turn the numeric and date fields of each item into numbers and datetimes, in
    place; the currency comes from a money value when the export has no column for it."""
    numeric = [f for f in _MONEY_FIELDS + _INT_FIELDS if f in fields]
    dates = [f for f in _DATE_FIELDS if f in fields]
    money_cache: dict[str, tuple[float | None, str | None]] = {}
    date_cache: dict[str, dt.datetime | None] = {}
    for item in items:
        seen = None
        for f in numeric:
            value = item.get(f)
            if value is None:
                continue
            if value not in money_cache:
                money_cache[value] = money(value)
            number, currency = money_cache[value]
            seen = seen or currency
            if number is None or (f in _INT_FIELDS and not float(number).is_integer()):
                problems.append((item["line"], _header_of(headers, index, f), value,
                                 "is not a " + ("whole number" if f in _INT_FIELDS
                                                else "number") + "; left empty"))
                item[f] = None
            else:
                item[f] = int(number) if f in _INT_FIELDS else float(number)
        given = item.get("currency")
        item["currency"] = given.upper() if isinstance(given, str) else seen
        for f in dates:
            value = item.get(f)
            if value is None:
                continue
            if value not in date_cache:
                date_cache[value] = parse_date(value, day_first)
            if date_cache[value] is None:
                problems.append((item["line"], _header_of(headers, index, f), value,
                                 "is not a date kakobuy can read; left empty"))
            item[f] = date_cache[value]


def _group_orders(kind: str, items: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per order: order fields from the first row that has them, items joined.

    Plain dicts rather than a pandas groupby: exports have tens of thousands of small
    orders, and per-group DataFrames would cost a millisecond each.
    """
    fields = list(items[0])
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in items:
        groups.setdefault(row["order_id"], []).append(row)
    records: list[dict[str, Any]] = []
    for rows in groups.values():
        rec: dict[str, Any] = {}
        for f in fields:
            if f not in _ITEM_FIELDS:
                rec[f] = next((r[f] for r in rows if r[f] is not None), None)
        rec["line"] = int(rows[0]["line"])
        rec["lines"] = [int(r["line"]) for r in rows]
        # An item row has a product or SKU; eBay's summary line of a multi-item order
        # has neither and only carries the order's totals.
        items = [r for r in rows if r.get("product") is not None or r.get("sku") is not None]
        products: list[str] = []
        skus: list[str] = []
        for r in items:
            label = r.get("product") or r.get("sku") or ""
            if r.get("variation"):
                label = f"{label} ({r['variation']})"
            qty = r.get("qty")
            products.append(f"{qty} x {label}" if len(items) > 1 and qty and qty != 1 else label)
            if r.get("sku") and r["sku"] not in skus:
                skus.append(r["sku"])
        rec["product"] = "; ".join(p for p in products if p) or None
        rec["sku"] = "; ".join(skus) or None
        qtys = [r["qty"] for r in items if r.get("qty") is not None]
        rec["qty"] = sum(qtys) if qtys else None
        returns = [r["return_qty"] for r in items if r.get("return_qty") is not None]
        rec["return_qty"] = sum(returns) if returns else None
        if rec.get("order_value") is None:
            # No order total: the sum of the items and the shipping.
            totals = [r["line_total"] if r.get("line_total") is not None else
                      r["item_price"] * (r.get("qty") or 1)
                      for r in items if r.get("line_total") is not None or
                      r.get("item_price") is not None]
            if totals:
                rec["order_value"] = round(sum(totals) + (rec.get("shipping_cost") or 0), 2)
        rec["status"] = _order_status(kind, rec)
        records.append(rec)
    # Object columns keep None and datetime.datetime as they are (no NaN / NaT).
    frame = pd.DataFrame(records, dtype=object)
    return frame.where(frame.notna(), None)


def _order_status(kind: str, rec: Mapping[str, Any]) -> str | None:
    if kind == "shopify":
        financial = (rec.get("financial_status") or "").casefold()
        fulfilment = (rec.get("fulfillment_status") or "").casefold()
        if rec.get("cancelled_at") is not None or financial == "voided":
            return "cancelled"
        if financial == "refunded":
            return "refunded"
        if fulfilment == "fulfilled":
            return "shipped"
        if financial in ("paid", "partially_refunded", "partially_paid"):
            return "processing" if fulfilment == "partial" else "paid"
        if financial in ("pending", "authorized", "expired"):
            return "pending"
        return None
    status = status_of(rec.get("status_raw"))
    if status is not None:
        return status
    if kind == "ebay":
        for field, value in (("delivered_date", "delivered"), ("ship_date", "shipped"),
                             ("paid_at", "paid")):
            if rec.get(field) is not None:
                return value
        return "pending"
    return None
