"""The workbook contract: every sheet, table and column kakobuy knows, declared once.

A column is either **user** (typed by people; kakobuy reads it and never writes it) or
**owned** (computed by kakobuy and rewritten at every refresh). The header text is the
contract with the user; ``name`` (snake_case) is the contract in code.

>>> SHEETS["Orders"].column("Order ID").name
'order_id'
>>> [c.header for c in SHEETS["Orders"].owned_columns]
['Days In Transit', 'Delay Flag', 'Open Disputes']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "int", "number", "money", "date", "datetime", "choice", "bool", "percent"]

# Taxonomies shared by the NLP, disputes and reports (ARCHITECTURE section 3).
# Extend with care; never rename a value silently: workbooks store them.
INTENTS = (
    "order_status", "delivery_delay", "damaged_item", "wrong_item", "missing_item",
    "quality_issue", "refund_request", "return_request", "cancel_order", "payment_issue",
    "change_address", "product_question", "compliment", "other",
)
DISPUTE_TYPES = (
    "delivery_delay", "not_received", "damaged", "wrong_item", "missing_parts",
    "quality_issue", "refund_not_processed", "customs", "other",
)
GRADES = ("G1", "G2", "G3", "G4")
GRADE_NAMES = {
    "G1": "Minor complaint",
    "G2": "Refund or replacement demand",
    "G3": "Escalation (platform case, claim, chargeback)",
    "G4": "Public risk (negative review or social post threatened)",
}
SENTIMENT_LABELS = ("very negative", "negative", "neutral", "positive", "very positive")
LANGUAGES = (
    "en", "es", "fr", "de", "it", "pt", "ja", "ko", "zh", "ru", "ar", "vi", "th", "id",
    "tr", "nl", "pl",
)
CHANNELS = (
    "WhatsApp", "WeChat", "Email", "Shopify", "eBay", "TikTok Shop", "Instagram", "LINE",
    "KakaoTalk", "Telegram", "Phone", "Other",
)
PLATFORMS = (
    "Shopify", "eBay", "TikTok Shop", "AliExpress", "Amazon", "PayPal", "Etsy", "WhatsApp",
    "WeChat", "Direct", "Other",
)
ORDER_STATUSES = (
    "pending", "paid", "processing", "shipped", "in_transit", "delivered", "returned",
    "cancelled", "refunded",
)
DISPUTE_STATUSES = (
    "open", "waiting_customer", "awaiting_carrier", "escalated", "resolved", "closed",
)
CLOSED_DISPUTE_STATUSES = ("resolved", "closed")
RESOLUTIONS = (
    "full_refund", "refund_on_return", "reship", "reship_copay", "partial_refund",
    "discount", "coupon", "replacement", "none",
)
SEGMENTS = ("high-satisfaction", "neutral", "high-risk")
SLA_STATUSES = ("on_track", "at_risk", "overdue", "met", "breached")
EVIDENCE_KINDS = ("photo", "chat", "shipping doc", "receipt", "video", "other")
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Column:
    """One column of a sheet's table."""

    header: str
    kind: Kind = "text"
    owned: bool = False
    required: bool = False
    choices: tuple[str, ...] | None = None
    width: float | None = None
    help: str = ""

    @property
    def name(self) -> str:
        """The snake_case name used in code: ``'Type (auto)'`` -> ``'type_auto'``."""
        return snake(self.header)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the contract: it holds one Excel table named ``table``."""

    name: str
    key: str | None
    columns: tuple[Column, ...]
    description: str = ""
    # Rows shipped in a new workbook (header text -> value), e.g. default SLA targets.
    defaults: tuple[dict[str, object], ...] = field(default=())
    # An optional sheet overrides shipped data; a workbook without it is complete.
    optional: bool = False

    @property
    def table(self) -> str:
        """Excel table names cannot contain spaces: ``Platform Rules`` -> ``PlatformRules``."""
        return self.name.replace(" ", "")

    @property
    def user_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.owned)

    @property
    def owned_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.owned)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, header_or_name: str) -> Column:
        """Look a column up by header text or snake_case name."""
        wanted = normalise_header(header_or_name)
        for col in self.columns:
            if normalise_header(col.header) == wanted or col.name == header_or_name:
                return col
        raise KeyError(f"sheet {self.name!r} has no column {header_or_name!r}")


def snake(header: str) -> str:
    """``'First Response (h)'`` -> ``'first_response_h'``; ``'SHA-256'`` -> ``'sha_256'``."""
    return re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")


_INVISIBLE = re.compile("[\ufeff\u200b-\u200f\u2060\u202a-\u202e]")


def normalise_header(text: object) -> str:
    """How headers are compared: case, spacing, non-breaking spaces and invisible marks
    (a byte-order mark from a pasted CSV, zero-width and direction marks) do not matter."""
    text = _INVISIBLE.sub("", str(text).replace("\u00a0", " "))
    return re.sub(r"\s+", " ", text).strip().casefold()


def _c(header: str, kind: Kind = "text", **kw: object) -> Column:
    return Column(header, kind, **kw)  # type: ignore[arg-type]


def _o(header: str, kind: Kind = "text", **kw: object) -> Column:
    return Column(header, kind, owned=True, **kw)  # type: ignore[arg-type]


CUSTOMERS = Sheet(
    "Customers", "Customer ID",
    (
        _c("Customer ID", required=True, width=14),
        _c("Name", width=22),
        _c("Preferred Language", "choice", choices=LANGUAGES, width=12,
           help="ISO code such as en, ja, ko; replies use it first"),
        _c("Country", width=10, help="ISO country code such as US, TH, DE"),
        _c("Channel", "choice", choices=CHANNELS, width=12),
        _c("Contact", width=24, help="e-mail or phone"),
        _c("Platform Handles", width=24, help="e.g. ebay:kim_88; tiktok:@kimmy"),
        _c("Tags", width=16),
        _c("Notes", width=30),
        _o("Interactions", "int", width=12),
        _o("Complaints", "int", width=12),
        _o("Disputes", "int", width=10),
        _o("Open Disputes", "int", width=12),
        _o("Last Contact", "datetime", width=17),
        _o("Language (auto)", width=11),
        _o("Avg Sentiment", "number", width=12),
        _o("Sentiment Trend", width=14),
        _o("Segment", "choice", choices=SEGMENTS, width=16),
        _o("Risk Score", "number", width=10),
        _o("Risk Reasons", width=30),
        _o("CSAT Avg", "number", width=10),
    ),
    "One row per customer, whatever the channel.",
)

ORDERS = Sheet(
    "Orders", "Order ID",
    (
        _c("Order ID", required=True, width=14),
        _c("Customer ID", width=14),
        _c("Platform", "choice", choices=PLATFORMS, width=12),
        _c("Order Date", "date", width=12),
        _c("Product", width=26),
        _c("SKU", width=12),
        _c("Qty", "int", width=6),
        _c("Order Value", "money", width=12),
        _c("Currency", width=9, help="ISO code such as USD, EUR, JPY"),
        _c("Shipping Cost", "money", width=12),
        _c("Product Cost", "money", width=12),
        _c("Carrier", width=14),
        _c("Tracking No", width=20),
        _c("Ship Date", "date", width=12),
        _c("Destination Country", width=11, help="ISO country code"),
        _c("Expected Delivery", "date", width=12),
        _c("Delivered Date", "date", width=12),
        _c("Status", "choice", choices=ORDER_STATUSES, width=11),
        _c("Group Buy ID", width=12),
        _o("Days In Transit", "int", width=10),
        _o("Delay Flag", "choice", choices=YES_NO, width=9),
        _o("Open Disputes", "int", width=10),
    ),
    "One row per order (or per line of a group buy).",
)

INTERACTIONS = Sheet(
    "Interactions", "Interaction ID",
    (
        _c("Interaction ID", required=True, width=14),
        _c("Timestamp", "datetime", width=17),
        _c("Customer ID", width=14),
        _c("Channel", "choice", choices=CHANNELS, width=12),
        _c("Direction", "choice", choices=("in", "out"), width=9),
        _c("Handler", width=12),
        _c("Order ID", width=14),
        _c("Dispute ID", width=12),
        _c("Message", width=50),
        _c("Status", "choice", choices=("draft", "sent"), width=8),
        _o("Language", width=9),
        _o("Sentiment", "number", width=10),
        _o("Sentiment Label", "choice", choices=SENTIMENT_LABELS, width=14),
        _o("Negative Flags", width=18),
        _o("Intent", "choice", choices=INTENTS, width=16),
        _o("Intent Confidence", "number", width=10),
        _o("Needs Clarification", "choice", choices=YES_NO, width=11),
        _o("Suggested Template", width=16),
        _o("Translation", width=40),
        _o("Route To", width=12),
        _o("Response Minutes", "number", width=10),
        _o("Record Hash", width=18),
    ),
    "Every message in or out, on any channel.",
)

DISPUTES = Sheet(
    "Disputes", "Dispute ID",
    (
        _c("Dispute ID", required=True, width=12),
        _c("Opened At", "datetime", width=17),
        _c("Customer ID", width=14),
        _c("Order ID", width=14),
        _c("Platform", "choice", choices=PLATFORMS, width=12),
        _c("Platform Case ID", width=16),
        _c("Case Due", "datetime", width=17,
           help="deadline the platform shows for the case (e.g. Shopify chargeback evidence due)"),
        _c("Description", width=44),
        _c("Type", "choice", choices=DISPUTE_TYPES, width=16,
           help="leave empty to use Type (auto)"),
        _c("Grade", "choice", choices=GRADES, width=7, help="leave empty to use Grade (auto)"),
        _c("Status", "choice", choices=DISPUTE_STATUSES, width=15),
        _c("Handler", width=12),
        _c("Resolution", "choice", choices=RESOLUTIONS, width=15),
        _c("Resolution Amount", "money", width=12),
        _c("First Response At", "datetime", width=17),
        _c("Resolved At", "datetime", width=17),
        _c("CSAT", "int", width=6, help="1 (very unhappy) to 5 (very happy)"),
        _c("Notes", width=30),
        _o("Type (auto)", "choice", choices=DISPUTE_TYPES, width=16),
        _o("Type Confidence", "number", width=10),
        _o("Grade (auto)", "choice", choices=GRADES, width=8),
        _o("Workflow Step", width=18),
        _o("Next Action", width=30),
        _o("Response Due", "datetime", width=17),
        _o("Resolution Due", "datetime", width=17),
        _o("Platform Deadline", "datetime", width=17),
        _o("SLA Status", "choice", choices=SLA_STATUSES, width=10),
        _o("Hours Left", "number", width=9),
        _o("Escalation Risk", "number", width=10),
        _o("Risk Reasons", width=30),
        _o("Recommended Resolution", width=22),
        _o("Evidence Missing", width=26),
        _o("Suggested Reply", width=44),
    ),
    "One row per complaint or case, from any platform or chat.",
)

TEMPLATES = Sheet(
    "Templates", "Template ID",
    (
        _c("Template ID", required=True, width=22),
        _c("Scenario", width=20),
        _c("Language", "choice", choices=LANGUAGES, width=9),
        _c("Tone", width=10),
        _c("Subject", width=28),
        _c("Body", width=60, help="text with {placeholders} such as {customer_name|there}"),
        _c("Keywords", width=22),
        _c("Custom", "choice", choices=YES_NO, width=8,
           help="yes = your own template; upgrades never overwrite it"),
        _c("Version", "int", width=8),
        _c("Updated", "date", width=12),
        _o("Uses", "int", width=6),
        _o("Problems", width=30),
    ),
    "Reply templates, one row per scenario and language.",
)

EVIDENCE = Sheet(
    "Evidence", "Evidence ID",
    (
        _c("Evidence ID", required=True, width=12),
        _c("Dispute ID", width=12),
        _c("Kind", "choice", choices=EVIDENCE_KINDS, width=13),
        _c("File or Link", width=36, help="path relative to the workbook's folder, or a link"),
        _c("Description", width=30),
        _c("Added At", "datetime", width=17),
        _c("Added By", width=12),
        _o("SHA-256", width=20),
        _o("Size", "int", width=10),
        _o("Exists", "choice", choices=YES_NO, width=7),
        _o("Verified", "choice", choices=YES_NO, width=8),
        _o("Record Hash", width=18),
    ),
    "Photos, chats, shipping documents and receipts behind each dispute.",
)

SLA = Sheet(
    "SLA", "Grade",
    (
        _c("Grade", "choice", choices=GRADES, required=True, width=7),
        _c("Name", width=36),
        _c("First Response (h)", "number", width=12),
        _c("Resolution (h)", "number", width=12),
        _c("Alert At (%)", "percent", width=10),
        _c("Business Hours", "choice", choices=YES_NO, width=10),
    ),
    "Service targets per dispute grade.",
    defaults=(
        {"Grade": "G1", "Name": GRADE_NAMES["G1"], "First Response (h)": 24,
         "Resolution (h)": 72, "Alert At (%)": 0.75, "Business Hours": "yes"},
        {"Grade": "G2", "Name": GRADE_NAMES["G2"], "First Response (h)": 12,
         "Resolution (h)": 72, "Alert At (%)": 0.75, "Business Hours": "yes"},
        {"Grade": "G3", "Name": GRADE_NAMES["G3"], "First Response (h)": 4,
         "Resolution (h)": 48, "Alert At (%)": 0.75, "Business Hours": "no"},
        {"Grade": "G4", "Name": GRADE_NAMES["G4"], "First Response (h)": 2,
         "Resolution (h)": 24, "Alert At (%)": 0.75, "Business Hours": "no"},
    ),
)

PLATFORM_RULES = Sheet(
    "Platform Rules", "Rule ID",
    (
        _c("Rule ID", required=True, width=22),
        _c("Platform", "choice", choices=PLATFORMS, width=12),
        _c("Flow", width=26),
        _c("Trigger", width=26),
        _c("N", "number", width=6),
        _c("Unit", "choice", choices=("hours", "calendar days", "business days"), width=13),
        _c("Auto Outcome", width=30),
        _c("Source", width=30),
        _c("Source Date", "date", width=12),
    ),
    "Marketplace deadlines, as data: edit when a platform changes its rules.",
    defaults=(
        {"Rule ID": "ebay-inr-respond", "Platform": "eBay", "Flow": "item not received",
         "Trigger": "request opened", "N": 3, "Unit": "business days",
         "Auto Outcome": "buyer may ask eBay to step in",
         "Source": "eBay seller help: item not received", "Source Date": "2025-01-15"},
        {"Rule ID": "ebay-return-respond", "Platform": "eBay", "Flow": "return request",
         "Trigger": "request opened", "N": 3, "Unit": "business days",
         "Auto Outcome": "buyer may ask eBay to step in",
         "Source": "eBay seller help: returns", "Source Date": "2025-01-15"},
        {"Rule ID": "ebay-escalation-window", "Platform": "eBay", "Flow": "item not received",
         "Trigger": "request opened", "N": 21, "Unit": "business days",
         "Auto Outcome": "request can no longer be escalated",
         "Source": "eBay Money Back Guarantee", "Source Date": "2025-01-15"},
        {"Rule ID": "paypal-escalate", "Platform": "PayPal", "Flow": "dispute",
         "Trigger": "dispute opened", "N": 20, "Unit": "calendar days",
         "Auto Outcome": "buyer must escalate to a claim; closes on day 21",
         "Source": "PayPal resolution center", "Source Date": "2025-01-15"},
        {"Rule ID": "paypal-claim-answer", "Platform": "PayPal", "Flow": "claim",
         "Trigger": "claim opened", "N": 10, "Unit": "calendar days",
         "Auto Outcome": "PayPal decides for the buyer",
         "Source": "PayPal resolution center", "Source Date": "2025-01-15"},
        {"Rule ID": "tiktok-refund-respond", "Platform": "TikTok Shop",
         "Flow": "refund or return request", "Trigger": "request opened", "N": 48,
         "Unit": "hours", "Auto Outcome": "request auto-approved",
         "Source": "TikTok Shop seller center", "Source Date": "2025-01-15"},
        {"Rule ID": "aliexpress-dispute-respond", "Platform": "AliExpress", "Flow": "dispute",
         "Trigger": "dispute opened", "N": 5, "Unit": "calendar days",
         "Auto Outcome": "dispute resolved in the buyer's favour",
         "Source": "AliExpress dispute rules", "Source Date": "2025-01-15"},
        {"Rule ID": "shopify-chargeback-evidence", "Platform": "Shopify", "Flow": "chargeback",
         "Trigger": "evidence due date", "N": 0, "Unit": "calendar days",
         "Auto Outcome": "chargeback lost if no evidence by the due date",
         "Source": "Shopify Payments chargebacks", "Source Date": "2025-01-15"},
    ),
)

SETTINGS = Sheet(
    "Settings", "Setting",
    (
        _c("Setting", required=True, width=24),
        _c("Value", width=28),
        _c("Description", width=60),
    ),
    "How kakobuy works for this shop. Values here win over the environment.",
    defaults=(
        {"Setting": "time_zone", "Value": "UTC",
         "Description": "IANA time zone of the shop, e.g. Asia/Shanghai, Europe/Berlin"},
        {"Setting": "business_hours", "Value": "09:00-18:00",
         "Description": "opening hours used by SLA clocks"},
        {"Setting": "work_days", "Value": "Mon-Fri", "Description": "days the shop answers"},
        {"Setting": "holidays_country", "Value": "",
         "Description": "ISO country code whose public holidays pause SLA clocks"},
        {"Setting": "home_currency", "Value": "USD", "Description": "currency of reports"},
        {"Setting": "seller_name", "Value": "", "Description": "signature in replies"},
        {"Setting": "seller_language", "Value": "en",
         "Description": "language the seller reads; translations go into it"},
        {"Setting": "date_order", "Value": "DMY",
         "Description": "how to read typed dates such as 03/04/2025: DMY or MDY"},
        {"Setting": "delay_grace_days", "Value": "2",
         "Description": "days past Expected Delivery before an order is flagged as delayed"},
        {"Setting": "language_backend", "Value": "default",
         "Description": "how message languages are detected (default: offline, built in)"},
        {"Setting": "sentiment_backend", "Value": "default",
         "Description": "how sentiment is scored (default: offline, built in)"},
        {"Setting": "intent_backend", "Value": "default",
         "Description": "how intents and dispute types are recognised (default: offline)"},
        {"Setting": "deadline_buffer_hours", "Value": "12",
         "Description": "answer this many hours before a platform deadline"},
        {"Setting": "evidence_folder", "Value": "",
         "Description": "folder of evidence files (empty: the workbook's folder)"},
        {"Setting": "translation_provider", "Value": "off",
         "Description": "off (default, nothing leaves this computer), google, deepl, "
                        "microsoft, mymemory or libretranslate"},
        {"Setting": "routing", "Value": "",
         "Description": "who answers what, e.g. refund_request, return_request -> Mina; "
                        "ja, ko -> Yuki; * -> Alex (intents or languages -> handler)"},
        {"Setting": "clarification_queue", "Value": "clarify",
         "Description": "Route To value for unclear messages that need a question back"},
        {"Setting": "survey_url", "Value": "",
         "Description": "your rating form's address (optional); survey links carry only "
                        "a token, never the score, and the form asks to confirm"},
        {"Setting": "translation_url", "Value": "",
         "Description": "address of your LibreTranslate server (libretranslate only); "
                        "API keys go in the environment or the OS keyring, never here"},
    ),
)

def _shipped_workflows() -> tuple[dict[str, object], ...]:
    import csv
    from importlib import resources

    text = resources.files("kakobuy_xl").joinpath("data/disputes/workflows.csv") \
        .read_text(encoding="utf-8")
    return tuple({"Dispute Type": r["dispute_type"], "Step": int(r["step"]), "Name": r["name"],
                  "Done When": r["done_when"], "Next Action": r["next_action"],
                  "Scenario": r["scenario"]} for r in csv.DictReader(text.splitlines()))


WORKFLOW_CONDITIONS = ("responded", "tracking", "evidence", "offer", "agreed", "followed_up",
                       "rated")

WORKFLOWS = Sheet(
    "Workflows", None,
    (
        _c("Dispute Type", "choice", choices=DISPUTE_TYPES, required=True, width=18),
        _c("Step", "int", required=True, width=6),
        _c("Name", width=22),
        _c("Done When", "choice", choices=WORKFLOW_CONDITIONS, required=True, width=12,
           help="the step is done when this holds; see the README for each condition"),
        _c("Next Action", width=60),
        _c("Scenario", width=24, help="template scenario offered at this step"),
    ),
    "How each type of dispute is handled, step by step. Rows for a type replace the "
    "shipped steps of that type.",
    defaults=_shipped_workflows(),
    optional=True,
)

PROBLEMS_SHEET = "Problems"
REPORT_SHEETS = ("Dispute Report", "Service Report", "Monthly Report", PROBLEMS_SHEET)

TABLE_SHEETS: tuple[Sheet, ...] = (
    CUSTOMERS, ORDERS, INTERACTIONS, DISPUTES, TEMPLATES, EVIDENCE, SLA, PLATFORM_RULES,
    WORKFLOWS, SETTINGS,
)
SHEETS: dict[str, Sheet] = {s.name: s for s in TABLE_SHEETS}


def sheet(name: str) -> Sheet:
    """The contract of one sheet by its name (case-insensitive)."""
    for s in TABLE_SHEETS:
        if s.name.casefold() == name.casefold():
            return s
    raise KeyError(f"no sheet {name!r} in the contract")
