"""Demo data: a small cross-border shop, generated deterministically.

``build_demo_tables()`` returns one DataFrame per user-data sheet (Customers, Orders,
Interactions, Disputes, Evidence) for a believable daigou / multi-platform seller who
ships K-beauty, Japanese snacks, sneakers and handbags from Korea, Japan and China to
customers all over the world. It is meant for the demo workbook, screenshots and tests
of the NLP, dispute and report code, so it deliberately contains the hard cases:
seventeen languages, right-to-left text, code-switching, emoji-only messages, texts
starting with ``=``/``+``/``-`` (formula injection), late and lost parcels, threats of
bad reviews and platform cases.

Everything is a pure function of ``seed`` and ``now``: no I/O, no environment, no global
random state. Columns are exactly the header texts of each sheet's *user* columns;
values are plain Python objects (``str``, ``int``, ``float``, ``datetime.date``,
``datetime.datetime`` or ``None``) in object-dtype frames, so empty cells stay ``None``.

Conventions the callers may rely on:

* money columns (Order Value, Shipping Cost, Product Cost, Resolution Amount) are in the
  order's Currency; Resolution Amount is what the resolution cost the shop;
* contact e-mails use the reserved ``example.com/.net/.org`` domains and phone numbers
  use fictional ranges where a country has one (US/CA 555-01xx, UK 07700 900xxx,
  AU 0491 570 xxx), so the demo never reaches a real person;
* Evidence "File or Link" paths are relative (``evidence/D003/photo1.jpg``) and the
  files do not exist: the demo has no attachments.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pandas as pd

from kakobuy_xl import schema

__all__ = ["DEFAULT_NOW", "build_demo_tables"]

DEFAULT_NOW = dt.datetime(2025, 6, 30, 12, 0)
USER_SHEETS = ("Customers", "Orders", "Interactions", "Disputes", "Evidence")
N_INTERACTIONS = 300

# --------------------------------------------------------------------------- customers


@dataclass(frozen=True)
class _Customer:
    id: str
    name: str
    call: str  # how the shop addresses them in a reply (family name for ja, etc.)
    lang: str  # the language they actually write in
    preferred: str | None  # what the sheet says; a few are left empty on purpose
    country: str
    channel: str
    contact: str
    handles: str
    tags: str
    notes: str
    platforms: tuple[str, ...]  # where they buy
    female: bool = True  # only Thai needs it: the polite particle (ค่ะ/ครับ) is gendered


_C = _Customer
CUSTOMERS: tuple[_Customer, ...] = (
    _C("C001", "Emily Carter", "Emily", "en", "en", "US", "Shopify", "emily.carter88@example.com",
       "shopify:emily.carter88; tiktok:@em.carter", "VIP; repeat buyer",
       "Buys K-beauty almost every month", ("Shopify", "TikTok Shop")),
    _C("C002", "James O'Connor", "James", "en", "en", "IE", "eBay", "jamesoc.sneaks@example.net",
       "ebay:jocon_sneaks", "sneakers", "", ("eBay",)),
    _C("C003", "Priya Sharma", "Priya", "en", "en", "GB", "WhatsApp", "+44 7700 900123",
       "instagram:@priya.glows", "", "Prefers WhatsApp over e-mail", ("WhatsApp", "Shopify")),
    _C("C004", "Liam Walker", "Liam", "en", "en", "AU", "eBay", "+61 491 570 156",
       "ebay:liamw_au", "", "", ("eBay", "Shopify")),
    _C("C005", "Chloe Bennett", "Chloe", "en", "en", "CA", "Email", "chloe.bennett@example.org",
       "shopify:chloe.bennett", "", "", ("Shopify",)),
    _C("C006", "Marcus Johnson", "Marcus", "en", "en", "US", "eBay", "+1 312 555 0142",
       "ebay:mjkicks_23", "sneakers; reseller", "Resells sneakers, checks authenticity closely",
       ("eBay", "AliExpress"), female=False),
    _C("C007", "Aisha Bello", "Aisha", "en", None, "NG", "Email", "aisha.bello@example.com",
       "", "", "", ("Shopify", "Direct")),
    _C("C008", "Sophie Tan", "Sophie", "en", "en", "SG", "WhatsApp", "+65 8123 4567",
       "tiktok:@sophtan.sg", "", "", ("WhatsApp", "Shopify")),
    _C("C009", "Lucía Fernández", "Lucía", "es", "es", "ES", "Shopify", "lucia.fdez@example.com",
       "shopify:lucia.fdez", "", "", ("Shopify",)),
    _C("C010", "Carlos Ramírez", "Carlos", "es", "es", "MX", "WhatsApp", "+52 55 1234 5678",
       "", "group buy", "Organises group buys for his friends", ("WhatsApp", "Direct"),
       female=False),
    _C("C011", "Valentina Rojas", "Vale", "es", "es", "CL", "Instagram", "+56 9 8765 4321",
       "instagram:@vale.rojas.k", "K-pop", "", ("Direct", "AliExpress")),
    _C("C012", "Diego Morales", "Diego", "es", "es", "US", "TikTok Shop",
       "diegomorales.tx@example.com", "tiktok:@diegomx_tx", "",
       "Mixes Spanish and English", ("TikTok Shop", "eBay"), female=False),
    _C("C013", "Camille Dubois", "Camille", "fr", "fr", "FR", "Email",
       "camille.dubois@example.org", "", "", "", ("Shopify", "Direct")),
    _C("C014", "Léa Martin", "Léa", "fr", "fr", "BE", "Shopify", "lea.martin@example.net",
       "shopify:leamartin", "", "", ("Shopify",)),
    _C("C015", "Mathieu Tremblay", "Mathieu", "fr", "fr", "CA", "eBay", "+1 514 555 0178",
       "ebay:mtremblay_qc", "", "", ("eBay",), female=False),
    _C("C016", "Lukas Schneider", "Lukas", "de", "de", "DE", "eBay", "lukas.schneider@example.com",
       "ebay:lukas_s84", "", "", ("eBay", "Shopify"), female=False),
    _C("C017", "Anna Huber", "Anna", "de", "de", "AT", "Shopify", "anna.huber@example.com",
       "shopify:annahuber", "VIP", "", ("Shopify",)),
    _C("C018", "Jonas Meier", "Jonas", "de", "de", "CH", "Email", "jonas.meier@example.net",
       "", "", "Wants invoices with his VAT number", ("Direct", "Shopify"), female=False),
    _C("C019", "Giulia Romano", "Giulia", "it", "it", "IT", "Instagram", "+39 347 123 4567",
       "instagram:@giuliaskincare", "", "", ("Direct", "Shopify")),
    _C("C020", "Marco Bianchi", "Marco", "it", "it", "IT", "eBay", "marco.bianchi@example.com",
       "ebay:marcob_it", "", "", ("eBay",), female=False),
    _C("C021", "Ana Souza", "Ana", "pt", "pt", "BR", "WhatsApp", "+55 11 91234 5678",
       "", "group buy", "", ("WhatsApp", "AliExpress")),
    _C("C022", "João Pereira", "João", "pt", "pt", "PT", "Shopify", "joao.pereira@example.com",
       "shopify:joaop", "", "", ("Shopify",), female=False),
    _C("C023", "Beatriz Lima", "Beatriz", "pt", None, "BR", "Email", "bia.lima@example.com",
       "aliexpress:bia_lima", "", "", ("AliExpress",)),
    _C("C024", "佐藤 美咲", "佐藤", "ja", "ja", "JP", "LINE", "misaki.sato@example.com",
       "line:misaki_s", "", "Buys Korean skincare", ("Direct", "Shopify")),
    _C("C025", "Kenta Tanaka", "Tanaka", "ja", "ja", "US", "Email", "kenta.tanaka@example.com",
       "ebay:kentat", "", "", ("Shopify", "eBay"), female=False),
    _C("C026", "김지은", "지은", "ko", "ko", "KR", "KakaoTalk", "+82 10 2345 6789",
       "kakao:jieun_k", "group buy", "Loves Japanese snacks", ("Direct",)),
    _C("C027", "Park Min-jun", "민준", "ko", "ko", "AU", "Shopify", "minjun.park@example.com",
       "shopify:minjunpark", "", "", ("Shopify", "WhatsApp"), female=False),
    _C("C028", "이서연", "서연", "ko", "ko", "US", "TikTok Shop", "seoyeon.lee@example.com",
       "tiktok:@seoyeon.lee", "", "Korean-American, mixes in English", ("TikTok Shop", "Shopify")),
    _C("C029", "王芳", "王芳", "zh", "zh", "CN", "WeChat", "+86 139 1234 5678",
       "wechat:wangfang_sh", "daigou; VIP", "Regular daigou client in Shanghai", ("WeChat",)),
    _C("C030", "陈嘉怡", "嘉怡", "zh", "zh", "CA", "WhatsApp", "+1 604 555 0113",
       "wechat:jiayi_chen", "group buy", "", ("WhatsApp", "WeChat")),
    _C("C031", "林志豪", "志豪", "zh", "zh", "MY", "Email", "zhihao.lim@example.com",
       "shopify:zhlim", "", "", ("Direct", "Shopify"), female=False),
    _C("C032", "张伟", "张伟", "zh", "zh", "AU", "WeChat", "+61 491 570 110",
       "wechat:zhangwei_syd; ebay:zw_syd", "", "", ("WeChat", "eBay"), female=False),
    _C("C033", "Анастасия Кузнецова", "Анастасия", "ru", "ru", "KZ", "Telegram", "+7 701 234 5678",
       "telegram:@nastya_kuz", "group buy", "", ("Direct", "AliExpress")),
    _C("C034", "Дмитрий Волков", "Дмитрий", "ru", "ru", "RU", "Email", "d.volkov@example.com",
       "aliexpress:dvolkov", "", "", ("AliExpress",), female=False),
    _C("C035", "محمد العتيبي", "محمد", "ar", "ar", "SA", "WhatsApp", "+966 50 123 4567",
       "", "group buy", "", ("WhatsApp", "Shopify"), female=False),
    _C("C036", "فاطمة بنعلي", "فاطمة", "ar", "ar", "MA", "Email", "fatima.benali@example.com",
       "aliexpress:fatima_b", "", "", ("Shopify", "AliExpress")),
    _C("C037", "Ahmed Hassan", "Ahmed", "ar", None, "AE", "WhatsApp", "+971 50 765 4321",
       "", "", "Writes in Arabic, we answer in English", ("WhatsApp",), female=False),
    _C("C038", "Nguyễn Thị Lan", "Lan", "vi", "vi", "VN", "TikTok Shop", "+84 912 345 678",
       "tiktok:@lan.nguyen", "", "", ("TikTok Shop", "Direct")),
    _C("C039", "Trần Minh Quân", "Quân", "vi", "vi", "US", "Email", "quan.tran@example.com",
       "ebay:quantran_us", "", "", ("eBay", "Shopify"), female=False),
    _C("C040", "พิมพ์ชนก วงศ์สวัสดิ์", "พิมพ์ชนก", "th", "th", "TH", "LINE", "+66 81 234 5678",
       "line:pimchanok.w; tiktok:@pim.w", "", "", ("TikTok Shop", "Direct")),
    _C("C041", "ณัฐพล ศรีสุข", "ณัฐพล", "th", "th", "TH", "TikTok Shop", "+66 89 765 4321",
       "tiktok:@nattaphon.s", "", "", ("TikTok Shop",), female=False),
    _C("C042", "Putri Lestari", "Putri", "id", "id", "ID", "WhatsApp", "+62 812 3456 7890",
       "tiktok:@putrilestari", "", "", ("WhatsApp", "TikTok Shop")),
    _C("C043", "Budi Santoso", "Budi", "id", "id", "ID", "TikTok Shop", "+62 813 9876 5432",
       "tiktok:@budisan; aliexpress:budi_s", "", "", ("TikTok Shop", "AliExpress"), female=False),
    _C("C044", "Elif Yılmaz", "Elif", "tr", "tr", "TR", "Instagram", "+90 532 123 4567",
       "instagram:@elif.ylmz", "group buy", "", ("Direct", "AliExpress")),
    _C("C045", "Emre Demir", "Emre", "tr", "tr", "DE", "eBay", "emre.demir@example.com",
       "ebay:emre_d", "", "", ("eBay",), female=False),
    _C("C046", "Sanne de Vries", "Sanne", "nl", "nl", "NL", "Shopify", "sanne.devries@example.com",
       "shopify:sannedv", "", "", ("Shopify",)),
    _C("C047", "Daan Janssens", "Daan", "nl", "nl", "BE", "Email", "daan.janssens@example.net",
       "ebay:daanj", "", "", ("Shopify", "eBay"), female=False),
    _C("C048", "Katarzyna Nowak", "Katarzyna", "pl", "pl", "PL", "Email", "k.nowak@example.com",
       "aliexpress:kasia_n", "", "", ("Shopify", "AliExpress")),
    _C("C049", "Piotr Wiśniewski", "Piotr", "pl", None, "PL", "eBay",
       "piotr.wisniewski@example.com", "ebay:piotr_w", "", "", ("eBay",), female=False),
)
_BY_ID = {c.id: c for c in CUSTOMERS}

# The group buy: one product bought in Tokyo for nine customers, shipped together by EMS.
GROUP_BUY_MEMBERS = ("C010", "C011", "C021", "C026", "C029", "C030", "C033", "C035", "C044")

# ---------------------------------------------------------------------------- products


@dataclass(frozen=True)
class _Product:
    name: str
    short: str  # what customers call it in a chat
    sku: str
    origin: str  # ISO country it ships from
    price: float  # USD
    cost: float  # USD
    heavy: bool = False  # shoes and bags: qty 1, dearer shipping


_P = _Product
PRODUCTS: tuple[_Product, ...] = (
    _P("COSRX Advanced Snail 96 Mucin Power Essence 100ml", "COSRX", "KR-COSRX-SNAIL96", "KR",
       16.0, 9.5),
    _P("Beauty of Joseon Relief Sun SPF50+ 50ml", "Relief Sun", "KR-BOJ-SUN50", "KR", 14.0, 8.0),
    _P("Laneige Lip Sleeping Mask Berry 20g", "Laneige", "KR-LANEIGE-LSM", "KR", 19.0, 11.0),
    _P("Anua Heartleaf 77% Soothing Toner 250ml", "Anua", "KR-ANUA-TONER250", "KR", 22.0, 12.5),
    _P("Sulwhasoo First Care Activating Serum 90ml", "Sulwhasoo", "KR-SWS-FCS90", "KR",
       105.0, 68.0),
    _P("Mediheal Teatree Sheet Mask (10 pcs)", "Mediheal", "KR-MEDIHEAL-TT10", "KR", 15.0, 7.5),
    _P("Japanese KitKat Assortment Box (12 flavours)", "KitKat", "JP-KITKAT-12", "JP", 32.0, 17.0),
    _P("Calbee Jagariko Snack Pack (10)", "Jagariko", "JP-CALBEE-JAG10", "JP", 21.0, 9.0),
    _P("Tokyo Banana Original (8 pcs)", "Tokyo Banana", "JP-TOKYOBANANA-8", "JP", 26.0, 13.0),
    _P("Onitsuka Tiger Mexico 66 Yellow/Black", "Mexico 66", "JP-ONI-MX66-YB", "JP",
       135.0, 88.0, heavy=True),
    _P("Shiseido Anessa Perfect UV Sunscreen 60ml", "Anessa", "JP-ANESSA-60", "JP", 28.0, 16.0),
    _P("Hario V60 Ceramic Dripper Set", "Hario V60", "JP-HARIO-V60SET", "JP", 36.0, 19.0),
    _P("Nike Dunk Low Retro 'Panda'", "Dunk Panda", "CN-NK-DUNK-PANDA", "CN", 150.0, 108.0,
       heavy=True),
    _P("adidas Samba OG White/Black", "Samba", "CN-AD-SAMBA-WB", "CN", 130.0, 90.0, heavy=True),
    _P("Pop Mart Labubu 'Exciting Macaron' blind box", "Labubu", "CN-POPMART-LBB-MAC", "CN",
       28.0, 14.0),
    _P("Coach Tabby Shoulder Bag 26", "Coach Tabby", "CN-COACH-TABBY26", "CN", 395.0, 255.0,
       heavy=True),
    _P("Michael Kors Jet Set Large Tote", "MK Jet Set", "CN-MK-JETSET-L", "CN", 185.0, 118.0,
       heavy=True),
    _P("Xiaomi Smart Band 9 (Global)", "Mi Band 9", "CN-XM-BAND9", "CN", 48.0, 31.0),
)
GROUP_BUY_PRODUCT = _P("Pokémon Center Pikachu Plush (Tokyo limited)", "Pikachu",
                       "JP-PKC-PIKA-TKY", "JP", 34.0, 20.0)

# Carriers by origin (weight), and transit days (fastest, quoted, slowest).
CARRIERS_BY_ORIGIN = {
    "KR": (("Korea Post", 5), ("EMS", 3), ("DHL", 1)),
    "JP": (("EMS", 5), ("Japan Post", 3), ("DHL", 1)),
    "CN": (("Yanwen", 3), ("Cainiao", 3), ("YunExpress", 3), ("SF Express", 2), ("DHL", 1)),
}
TRANSIT_DAYS = {
    "EMS": (4, 9, 14), "DHL": (3, 5, 8), "Korea Post": (8, 14, 22), "Japan Post": (7, 14, 21),
    "Yanwen": (12, 22, 35), "Cainiao": (10, 18, 30), "YunExpress": (7, 12, 20),
    "SF Express": (4, 7, 12),
}
EXPRESS_CARRIERS = ("EMS", "DHL", "SF Express")
CARRIER_COST_USD = {
    "EMS": 24.0, "DHL": 35.0, "Korea Post": 9.0, "Japan Post": 12.0, "Yanwen": 5.0,
    "Cainiao": 4.0, "YunExpress": 8.0, "SF Express": 15.0,
}
FREE_SHIPPING_FROM_USD = 80.0

# Rough mid-2025 rates: enough for amounts that look right in each currency.
USD_RATES = {
    "USD": 1.0, "EUR": 0.92, "GBP": 0.79, "AUD": 1.52, "CAD": 1.37, "SGD": 1.34, "CHF": 0.88,
    "PLN": 3.95, "JPY": 155.0, "KRW": 1370.0, "CNY": 7.2, "MYR": 4.7, "THB": 36.0,
    "VND": 25400.0, "IDR": 16300.0,
}
# Currencies without cents, and the step prices are rounded to.
ROUND_STEP = {"JPY": 10, "KRW": 100, "VND": 1000, "IDR": 1000}
CURRENCY_BY_COUNTRY = {
    "US": "USD", "IE": "EUR", "GB": "GBP", "AU": "AUD", "CA": "CAD", "SG": "SGD", "ES": "EUR",
    "FR": "EUR", "BE": "EUR", "DE": "EUR", "AT": "EUR", "CH": "CHF", "IT": "EUR", "PT": "EUR",
    "NL": "EUR", "PL": "PLN", "JP": "JPY", "KR": "KRW", "CN": "CNY", "MY": "MYR", "TH": "THB",
    "VN": "VND", "ID": "IDR",
}
# Languages that write 1.234,56 rather than 1,234.56.
DECIMAL_COMMA = ("de", "es", "fr", "it", "pt", "nl", "pl", "tr", "ru", "id", "vi")

HANDLERS_BY_LANG = {
    "zh": ("Lin",), "ko": ("Mina",), "ja": ("Sora",), "th": ("Mina",), "vi": ("Lin",),
    "id": ("Lin", "Mina"), "ar": ("Lin", "Alex"), "en": ("Lin", "Mina", "Alex"),
}
DEFAULT_HANDLERS = ("Alex",)

# ------------------------------------------------------------------------ message texts
# Keys: inbound (customer) keys first, then replies (r_*). Placeholders: {order}
# {tracking} {carrier} {product} {amount} {name} {platform}; Thai also {pk}/{pkq}, the
# polite particle (ค่ะ/ครับ, คะ/ครับ) that depends on who writes.

TEXTS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "en": {
        "status": (
            "hi where is my order {order}?? tracking hasnt updated in days",
            "Hello, could you tell me when {order} will arrive? Thanks",
            "any news on my package? ordered like 2 weeks ago",
        ),
        "delay": (
            "My order {order} was supposed to arrive last week and it's still not here. "
            "What's going on?",
            "its been almost a month and still nothing 😡 {order}",
        ),
        "not_received": (
            "Tracking says delivered but there is NOTHING at my door. Order {order}",
            "never got my package. {carrier} says delivered, i checked with the neighbours too",
        ),
        "damaged": (
            "The {product} arrived damaged, the box was completely crushed 😞",
            "hey the parcel came all smashed and the {product} is broken",
        ),
        "wrong_item": "I ordered {product} but received something completely different??",
        "missing": "Only got part of my order, one item is missing from {order}",
        "quality": "The {product} looks nothing like the photos and the quality is really poor. "
                   "Is this even authentic?",
        "refund_pending": "You told me the refund was sent 10 days ago but I still don't see it "
                          "on my card",
        "customs": "Customs is holding my parcel and asking me to pay import fees, nobody told "
                   "me about this",
        "other": "I was charged twice for order {order}, please check",
        "demand": ("I want a full refund or a replacement, please.", "just refund me pls"),
        "demand_money": "I just want my money back.",
        "return": "Hi, can I return the {product}? It doesn't suit me",
        "cancel": "Please cancel {order}, I ordered the wrong one by mistake",
        "payment": "my card keeps getting declined at checkout, can I pay another way?",
        "address": "Hi! I moved last week, can you change the shipping address on {order}? "
                   "will send the new one here",
        "product_q": "Is the {product} authentic? And how long does shipping take?",
        "compliment": ("Got my {product} today, absolutely love it!! Thank you so much 😍",
                       "wow super fast delivery and well packed, thanks guys!!"),
        "followup": ("any update??", "hello?? still waiting"),
        "thanks": ("ok thank you", "great, thanks!", "thanks 🙏"),
        "threat_review": "If this isn't sorted by tomorrow I'm leaving a 1 star review and "
                         "telling everyone on TikTok.",
        "threat_case": "I'm opening a case with {platform} if I don't hear back today.",
        "photo_sent": "Here are the photos 📷 box and item",
        "r_ack": "Hi {name}, so sorry about this! We're looking into it right now and will "
                 "update you within 24h.",
        "r_tracking": "Hi {name}! Your order {order} is on its way with {carrier}, tracking "
                      "number {tracking}. Please allow a few more days 🙏",
        "r_photo": "Sorry to hear that, {name}. Could you send us a photo of the item and the "
                   "outer box (with the label)? Then we can fix it quickly.",
        "r_refund": "Hi {name}, we've refunded {amount} to your original payment method. It can "
                    "take 3-5 business days to show up.",
        "r_reship": "We're really sorry. We'll send you a replacement free of charge and share "
                    "the new tracking number as soon as it ships.",
        "r_copay": "We'll resend it. Since the address was incomplete, would you be ok covering "
                   "half the shipping ({amount})?",
        "r_return": "Sure! Please send it back within 14 days in its original packaging and send "
                    "us the tracking number. We'll refund as soon as it arrives.",
        "r_done": "Done ✅ Your order {order} has been updated.",
        "r_answer": "Hi! Yes, 100% authentic, bought directly from the official store (receipt "
                    "available). We ship within 2-3 days and delivery usually takes 7-14 days.",
        "r_thanks": "Thank you so much {name}, this made our day! ❤️",
        "r_customs": "Sorry about the customs charge, {name}. Please send us the receipt from "
                     "customs and we'll reimburse half of it.",
        "r_payment": "Sorry about that! Here is a new payment link for {order}. You can also pay "
                     "with PayPal if your card doesn't work.",
        "r_carrier": "We've opened an investigation with {carrier} for {tracking}. It usually "
                     "takes 5-7 working days, we'll keep you posted.",
        "r_sorry": "We completely understand your frustration, {name}, and we're sorry. Please "
                   "give us a chance to fix this first: we'll refund or resend, whichever you "
                   "prefer.",
        "r_partial": "As an apology we've refunded {amount} to you. Thank you for your patience.",
        "r_coupon": "As a small apology, here's a 15% code for your next order: SORRY15",
        "r_closing": "Glad it's all sorted! Let us know if you need anything else 😊",
    },
    "es": {
        "status": "hola, dónde está mi pedido {order}? el seguimiento no se mueve desde hace días",
        "delay": "Mi pedido {order} tenía que llegar la semana pasada y todavía nada. Qué pasa??",
        "not_received": "El seguimiento dice entregado pero no me ha llegado nada, ni a los "
                        "vecinos 😤",
        "damaged": "Me llegó el {product} roto, la caja venía toda aplastada",
        "wrong_item": "Pedí {product} y me mandaron otra cosa que no tiene nada que ver",
        "missing": "Falta un artículo en mi paquete, pedido {order}",
        "quality": "El {product} es de muy mala calidad, no se parece a las fotos. Es original "
                   "de verdad?",
        "refund_pending": "Me dijeron que el reembolso estaba hecho hace 10 días y aún no lo veo "
                          "en mi cuenta",
        "customs": "Mi paquete está retenido en aduanas y me piden pagar impuestos, nadie me "
                   "avisó de esto",
        "other": "Me cobraron dos veces el pedido {order}, revísalo porfa",
        "demand": "Quiero el reembolso completo o que me envíen uno nuevo.",
        "demand_money": "Solo quiero que me devuelvan mi dinero.",
        "return": "Hola, puedo devolver el {product}? no me queda bien",
        "cancel": "Por favor cancela el pedido {order}, me equivoqué de modelo",
        "payment": "no me deja pagar con la tarjeta, me la rechaza. puedo pagar de otra forma?",
        "address": "Hola! me mudé, puedes cambiar la dirección de envío del pedido {order}? te "
                   "paso la nueva",
        "product_q": "El {product} es original? cuánto tarda en llegar?",
        "compliment": "Ya me llegó el {product}, me encanta!! mil gracias 😍",
        "followup": "hola?? alguna novedad?",
        "thanks": ("vale gracias", "perfecto, gracias!!"),
        "threat_review": "Si no me lo solucionan mañana pongo una reseña de 1 estrella y lo "
                         "cuento en TikTok.",
        "threat_case": "Si hoy no me responden abro una disputa en {platform}.",
        "photo_sent": "Aquí van las fotos de la caja y del producto",
        "r_ack": "Hola {name}, lo sentimos mucho. Lo estamos revisando ahora mismo y te decimos "
                 "algo en 24 h.",
        "r_tracking": "Hola {name}! Tu pedido {order} va en camino con {carrier}, número de "
                      "seguimiento {tracking}. Dale unos días más 🙏",
        "r_photo": "Lo sentimos, {name}. Nos puedes mandar una foto del producto y de la caja "
                   "con la etiqueta? Así lo solucionamos rápido.",
        "r_refund": "Hola {name}, ya te hemos reembolsado {amount} al mismo método de pago. "
                    "Puede tardar 3-5 días hábiles en aparecer.",
        "r_reship": "Lo sentimos de verdad. Te enviamos uno nuevo sin coste y te pasamos el "
                    "nuevo seguimiento en cuanto salga.",
        "r_copay": "Te lo reenviamos. Como la dirección estaba incompleta, ¿te parece bien pagar "
                   "la mitad del envío ({amount})?",
        "r_return": "Claro! Envíalo en su embalaje original en un plazo de 14 días y pásanos el "
                    "número de seguimiento. Te reembolsamos en cuanto llegue.",
        "r_done": "Hecho ✅ Tu pedido {order} ya está actualizado.",
        "r_answer": "Hola! Sí, 100% original, comprado en la tienda oficial (tenemos el ticket). "
                    "Enviamos en 2-3 días y suele tardar 7-14 días en llegar.",
        "r_thanks": "Muchísimas gracias {name}, nos has alegrado el día ❤️",
        "r_customs": "Sentimos lo de la aduana, {name}. Mándanos el recibo y te devolvemos la "
                     "mitad del importe.",
        "r_payment": "Perdona las molestias. Aquí tienes un nuevo enlace de pago para {order}; "
                     "también puedes pagar con PayPal.",
        "r_carrier": "Hemos abierto una reclamación con {carrier} para el envío {tracking}. "
                     "Suele tardar 5-7 días laborables, te mantenemos informado.",
        "r_sorry": "Entendemos perfectamente tu enfado, {name}, y lo sentimos. Déjanos "
                   "solucionarlo primero: te reembolsamos o te lo reenviamos, como prefieras.",
        "r_partial": "Como disculpa te hemos reembolsado {amount}. Gracias por tu paciencia.",
        "r_coupon": "Como disculpa, aquí tienes un código del 15% para tu próximo pedido: "
                    "SORRY15",
        "r_closing": "Genial que esté todo resuelto! Cualquier cosa nos dices 😊",
    },
    "fr": {
        "status": "bonjour, où en est ma commande {order} ? le suivi ne bouge plus depuis des "
                  "jours",
        "delay": "Ma commande {order} devait arriver la semaine dernière et toujours rien. "
                 "C'est normal ??",
        "not_received": "Le suivi indique livré mais je n'ai rien reçu, j'ai demandé aux voisins "
                        "aussi",
        "damaged": "Le {product} est arrivé abîmé, le carton était complètement écrasé 😞",
        "wrong_item": "J'ai commandé {product} et j'ai reçu autre chose, ce n'est pas du tout ça",
        "missing": "Il manque un article dans mon colis (commande {order})",
        "quality": "Le {product} est de très mauvaise qualité, rien à voir avec les photos. "
                   "C'est vraiment authentique ?",
        "refund_pending": "Vous m'avez dit que le remboursement était fait il y a 10 jours, je "
                          "ne vois toujours rien sur mon compte",
        "customs": "Mon colis est bloqué à la douane et on me demande de payer des frais, "
                   "personne ne m'avait prévenu",
        "other": "J'ai été débité deux fois pour la commande {order}, merci de vérifier",
        "demand": "Je veux un remboursement complet ou un renvoi.",
        "demand_money": "Je veux simplement récupérer mon argent.",
        "return": "Bonjour, est-ce que je peux retourner le {product} ? il ne me va pas",
        "cancel": "Merci d'annuler la commande {order}, je me suis trompé de modèle",
        "payment": "le paiement ne passe pas, ma carte est refusée. je peux payer autrement ?",
        "address": "Bonjour ! J'ai déménagé, vous pouvez changer l'adresse de livraison de "
                   "{order} ? je vous envoie la nouvelle",
        "product_q": "Le {product} est authentique ? Combien de temps pour la livraison ?",
        "compliment": "Bien reçu le {product}, je l'adore !! merci beaucoup 😍",
        "followup": "des nouvelles ??",
        "thanks": ("d'accord merci", "super merci !"),
        "threat_review": "Si ce n'est pas réglé demain je laisse un avis 1 étoile et j'en parle "
                         "sur Insta.",
        "threat_case": "Sans réponse aujourd'hui j'ouvre un litige sur {platform}.",
        "photo_sent": "Voici les photos du colis et du produit",
        "r_ack": "Bonjour {name}, toutes nos excuses ! Nous vérifions tout de suite et revenons "
                 "vers vous sous 24 h.",
        "r_tracking": "Bonjour {name} ! Votre commande {order} est en route avec {carrier}, "
                      "numéro de suivi {tracking}. Encore quelques jours de patience 🙏",
        "r_photo": "Désolés, {name}. Pouvez-vous nous envoyer une photo du produit et du carton "
                   "avec l'étiquette ? On règle ça vite.",
        "r_refund": "Bonjour {name}, nous vous avons remboursé {amount} sur votre moyen de "
                    "paiement. Comptez 3 à 5 jours ouvrés.",
        "r_reship": "Vraiment désolés. Nous vous renvoyons un article neuf gratuitement et vous "
                    "donnons le nouveau suivi dès l'expédition.",
        "r_copay": "Nous allons vous le renvoyer. Comme l'adresse était incomplète, seriez-vous "
                   "d'accord pour payer la moitié des frais de port ({amount}) ?",
        "r_return": "Bien sûr ! Renvoyez-le sous 14 jours dans son emballage d'origine et "
                    "envoyez-nous le numéro de suivi. Remboursement dès réception.",
        "r_done": "C'est fait ✅ Votre commande {order} est à jour.",
        "r_answer": "Bonjour ! Oui, 100 % authentique, acheté en boutique officielle (ticket "
                    "disponible). Expédition sous 2-3 jours, livraison en 7 à 14 jours en "
                    "général.",
        "r_thanks": "Merci beaucoup {name}, ça nous fait très plaisir ! ❤️",
        "r_customs": "Désolés pour les frais de douane, {name}. Envoyez-nous le reçu et nous "
                     "vous en remboursons la moitié.",
        "r_payment": "Désolés pour le souci ! Voici un nouveau lien de paiement pour {order}. "
                     "Vous pouvez aussi payer par PayPal.",
        "r_carrier": "Nous avons ouvert une enquête auprès de {carrier} pour le colis "
                     "{tracking}. Cela prend en général 5 à 7 jours ouvrés, on vous tient au "
                     "courant.",
        "r_sorry": "Nous comprenons tout à fait votre agacement, {name}, et nous sommes désolés. "
                   "Laissez-nous régler ça : remboursement ou renvoi, comme vous préférez.",
        "r_partial": "En guise d'excuses nous vous avons remboursé {amount}. Merci pour votre "
                     "patience.",
        "r_coupon": "Pour nous excuser, voici un code de -15 % pour votre prochaine commande : "
                    "SORRY15",
        "r_closing": "Ravis que tout soit réglé ! N'hésitez pas si besoin 😊",
    },
    "de": {
        "status": "hallo, wo bleibt meine Bestellung {order}? Die Sendungsverfolgung zeigt seit "
                  "Tagen nichts Neues",
        "delay": "Meine Bestellung {order} sollte letzte Woche ankommen und ist immer noch "
                 "nicht da. Was ist los?",
        "not_received": "Laut Tracking zugestellt, aber hier ist nichts angekommen. Nachbarn "
                        "haben auch nichts",
        "damaged": "{product} ist kaputt angekommen, der Karton war total eingedrückt",
        "wrong_item": "Ich habe {product} bestellt und etwas ganz anderes bekommen??",
        "missing": "In meinem Paket fehlt ein Artikel, Bestellung {order}",
        "quality": "Die Qualität ist echt schlecht, {product} sieht ganz anders aus als auf den "
                   "Fotos. Ist das überhaupt original?",
        "refund_pending": "Sie haben vor 10 Tagen geschrieben, dass die Erstattung raus ist, "
                          "bei mir ist immer noch nichts angekommen",
        "customs": "Mein Paket hängt beim Zoll fest und ich soll Einfuhrabgaben zahlen, davon "
                   "stand nirgends was",
        "other": "Mir wurde die Bestellung {order} zweimal abgebucht, bitte prüfen",
        "demand": "Ich möchte mein Geld zurück oder einen Ersatz.",
        "demand_money": "Ich will einfach nur mein Geld zurück.",
        "return": "Hallo, kann ich {product} zurückschicken? Passt leider nicht",
        "cancel": "Bitte Bestellung {order} stornieren, hab das falsche Modell erwischt",
        "payment": "Zahlung geht nicht durch, Karte wird abgelehnt. Kann ich anders bezahlen?",
        "address": "Hallo! Bin umgezogen, können Sie die Lieferadresse für {order} noch ändern? "
                   "Schicke die neue gleich",
        "product_q": "Ist {product} original? Und wie lange dauert der Versand?",
        "compliment": "{product} ist angekommen, bin total begeistert!! Vielen Dank 😍",
        "followup": "gibt's was Neues??",
        "thanks": ("ok danke", "super, danke!"),
        "threat_review": "Wenn das bis morgen nicht geklärt ist, gibt's eine 1-Stern-Bewertung.",
        "threat_case": "Wenn ich heute nichts höre, eröffne ich einen Fall bei {platform}.",
        "photo_sent": "Hier die Fotos vom Paket und vom Artikel",
        "r_ack": "Hallo {name}, das tut uns sehr leid! Wir schauen uns das sofort an und melden "
                 "uns innerhalb von 24 Std.",
        "r_tracking": "Hallo {name}! Ihre Bestellung {order} ist mit {carrier} unterwegs, "
                      "Sendungsnummer {tracking}. Bitte noch ein paar Tage Geduld 🙏",
        "r_photo": "Das tut uns leid, {name}. Können Sie uns ein Foto vom Artikel und vom "
                   "Karton mit Etikett schicken? Dann lösen wir das schnell.",
        "r_refund": "Hallo {name}, wir haben {amount} auf Ihre ursprüngliche Zahlungsart "
                    "erstattet. Es kann 3-5 Werktage dauern.",
        "r_reship": "Das tut uns wirklich leid. Wir schicken Ihnen kostenlos Ersatz und senden "
                    "die neue Sendungsnummer, sobald er raus ist.",
        "r_copay": "Wir schicken es erneut. Da die Adresse unvollständig war: Wären Sie "
                   "einverstanden, die Hälfte der Versandkosten ({amount}) zu übernehmen?",
        "r_return": "Klar! Bitte innerhalb von 14 Tagen originalverpackt zurückschicken und uns "
                    "die Sendungsnummer geben. Erstattung nach Eingang.",
        "r_done": "Erledigt ✅ Ihre Bestellung {order} ist aktualisiert.",
        "r_answer": "Hallo! Ja, 100 % original, direkt im offiziellen Store gekauft (Beleg "
                    "vorhanden). Versand in 2-3 Tagen, Lieferung meist 7-14 Tage.",
        "r_thanks": "Vielen lieben Dank {name}, das freut uns riesig! ❤️",
        "r_customs": "Das mit dem Zoll tut uns leid, {name}. Schicken Sie uns den Beleg, wir "
                     "übernehmen die Hälfte.",
        "r_payment": "Sorry für die Umstände! Hier ein neuer Zahlungslink für {order}. PayPal "
                     "geht auch.",
        "r_carrier": "Wir haben bei {carrier} einen Nachforschungsauftrag für {tracking} "
                     "gestellt. Das dauert meist 5-7 Werktage, wir halten Sie auf dem Laufenden.",
        "r_sorry": "Wir verstehen Ihren Ärger absolut, {name}, und entschuldigen uns. Geben Sie "
                   "uns die Chance, das zu lösen: Erstattung oder Neuversand, wie Sie möchten.",
        "r_partial": "Als Entschuldigung haben wir Ihnen {amount} erstattet. Danke für Ihre "
                     "Geduld.",
        "r_coupon": "Als kleine Entschuldigung: 15 % auf Ihre nächste Bestellung mit dem Code "
                    "SORRY15",
        "r_closing": "Schön, dass alles geklärt ist! Melden Sie sich gern jederzeit 😊",
    },
    "it": {
        "status": "ciao, dov'è il mio ordine {order}? il tracking è fermo da giorni",
        "delay": "Il mio ordine {order} doveva arrivare la settimana scorsa e ancora niente. "
                 "Che succede?",
        "not_received": "Il tracking dice consegnato ma a me non è arrivato niente, ho chiesto "
                        "anche ai vicini",
        "damaged": "Il {product} è arrivato rotto, la scatola era tutta schiacciata 😞",
        "wrong_item": "Ho ordinato {product} e mi è arrivata un'altra cosa??",
        "missing": "Nel pacco manca un articolo, ordine {order}",
        "quality": "La qualità del {product} è pessima, non somiglia per niente alle foto. Ma è "
                   "originale?",
        "refund_pending": "Mi avete detto che il rimborso era partito 10 giorni fa ma sul conto "
                          "non vedo ancora niente",
        "customs": "Il pacco è fermo in dogana e mi chiedono di pagare i dazi, nessuno mi aveva "
                   "avvisato",
        "other": "Mi avete addebitato due volte l'ordine {order}, controllate per favore",
        "demand": "Voglio il rimborso completo oppure un nuovo invio.",
        "demand_money": "Voglio solo indietro i miei soldi.",
        "return": "Ciao, posso fare il reso del {product}? non mi sta bene",
        "cancel": "Per favore annullate l'ordine {order}, ho sbagliato modello",
        "payment": "il pagamento non va, la carta viene rifiutata. posso pagare in un altro modo?",
        "address": "Ciao! Ho cambiato casa, potete modificare l'indirizzo di spedizione "
                   "dell'ordine {order}? vi mando quello nuovo",
        "product_q": "Il {product} è originale? Quanto ci mette ad arrivare?",
        "compliment": "Arrivato il {product}, lo adoro!! Grazie mille 😍",
        "followup": "novità??",
        "thanks": ("ok grazie", "perfetto grazie!"),
        "threat_review": "Se entro domani non si risolve lascio una recensione da 1 stella.",
        "threat_case": "Se oggi non mi rispondete apro una contestazione su {platform}.",
        "photo_sent": "Ecco le foto del pacco e del prodotto",
        "r_ack": "Ciao {name}, ci dispiace tantissimo! Stiamo verificando adesso, ti aggiorniamo "
                 "entro 24 ore.",
        "r_tracking": "Ciao {name}! Il tuo ordine {order} è in viaggio con {carrier}, tracking "
                      "{tracking}. Ancora qualche giorno di pazienza 🙏",
        "r_photo": "Ci dispiace, {name}. Puoi mandarci una foto del prodotto e della scatola con "
                   "l'etichetta? Così risolviamo subito.",
        "r_refund": "Ciao {name}, ti abbiamo rimborsato {amount} sul metodo di pagamento "
                    "originale. Possono servire 3-5 giorni lavorativi.",
        "r_reship": "Ci scusiamo davvero. Ti rispediamo un articolo nuovo gratis e ti mandiamo "
                    "il nuovo tracking appena parte.",
        "r_copay": "Te lo rispediamo. Visto che l'indirizzo era incompleto, ti va bene pagare "
                   "metà della spedizione ({amount})?",
        "r_return": "Certo! Rispediscilo entro 14 giorni nella confezione originale e mandaci il "
                    "tracking. Ti rimborsiamo appena arriva.",
        "r_done": "Fatto ✅ Il tuo ordine {order} è aggiornato.",
        "r_answer": "Ciao! Sì, 100% originale, comprato nello store ufficiale (abbiamo lo "
                    "scontrino). Spediamo in 2-3 giorni, la consegna di solito richiede 7-14 "
                    "giorni.",
        "r_thanks": "Grazie di cuore {name}, ci hai fatto felici! ❤️",
        "r_customs": "Ci dispiace per la dogana, {name}. Mandaci la ricevuta e ti rimborsiamo "
                     "metà dell'importo.",
        "r_payment": "Scusa per il disagio! Ecco un nuovo link di pagamento per {order}. Puoi "
                     "anche pagare con PayPal.",
        "r_carrier": "Abbiamo aperto una richiesta di verifica con {carrier} per {tracking}. Di "
                     "solito servono 5-7 giorni lavorativi, ti aggiorniamo noi.",
        "r_sorry": "Capiamo benissimo la tua frustrazione, {name}, e ci scusiamo. Lasciaci "
                   "risolvere: rimborso o nuovo invio, come preferisci.",
        "r_partial": "Per scusarci ti abbiamo rimborsato {amount}. Grazie per la pazienza.",
        "r_coupon": "Per scusarci, ecco un codice sconto del 15% per il prossimo ordine: SORRY15",
        "r_closing": "Che bello che sia tutto risolto! Per qualsiasi cosa scrivici 😊",
    },
    "pt": {
        "status": "oi, cadê meu pedido {order}? o rastreio não atualiza faz dias",
        "delay": "Meu pedido {order} era pra ter chegado semana passada e até agora nada. O que "
                 "houve?",
        "not_received": "O rastreio diz entregue mas não recebi nada, perguntei pros vizinhos "
                        "também",
        "damaged": "O {product} chegou quebrado, a caixa veio toda amassada 😞",
        "wrong_item": "Pedi {product} e veio outra coisa totalmente diferente??",
        "missing": "Veio faltando um item no meu pacote, pedido {order}",
        "quality": "A qualidade do {product} é horrível, nada a ver com as fotos. É original "
                   "mesmo?",
        "refund_pending": "Vocês disseram que o reembolso foi feito há 10 dias e ainda não caiu "
                          "na minha conta",
        "customs": "Meu pacote foi taxado e tá retido na alfândega, ninguém me avisou disso",
        "other": "Me cobraram duas vezes pelo pedido {order}, confere por favor",
        "demand": "Quero o reembolso total ou que mandem outro.",
        "demand_money": "Só quero meu dinheiro de volta.",
        "return": "Oi, posso devolver o {product}? não serviu",
        "cancel": "Por favor cancela o pedido {order}, pedi o modelo errado",
        "payment": "o pagamento não passa, o cartão é recusado. posso pagar de outro jeito?",
        "address": "Oi! Mudei de endereço, dá pra alterar o endereço de entrega do pedido "
                   "{order}? te mando o novo",
        "product_q": "O {product} é original? Quanto tempo demora pra chegar aqui?",
        "compliment": "Chegou o {product}, amei demais!! valeu 😍",
        "followup": "alguma novidade??",
        "thanks": ("beleza, valeu!", "ok, valeu"),
        "threat_review": "Se não resolverem até amanhã vou deixar avaliação de 1 estrela e "
                         "postar no Reclame Aqui.",
        "threat_case": "Se não tiver resposta hoje vou abrir uma disputa no {platform}.",
        "photo_sent": "Segue as fotos da caixa e do produto",
        "r_ack": "Oi {name}, sentimos muito! Já estamos verificando e te respondemos em até 24h.",
        "r_tracking": "Oi {name}! Seu pedido {order} está a caminho pela {carrier}, código de "
                      "rastreio {tracking}. Só mais alguns dias 🙏",
        "r_photo": "Sentimos muito, {name}. Pode mandar uma foto do produto e da caixa com a "
                   "etiqueta? Assim resolvemos rapidinho.",
        "r_refund": "Oi {name}, reembolsamos {amount} na forma de pagamento original. Pode levar "
                    "de 3 a 5 dias úteis para aparecer.",
        "r_reship": "Pedimos mil desculpas. Vamos enviar outro sem custo e te passamos o novo "
                    "rastreio assim que sair.",
        "r_copay": "Vamos reenviar. Como o endereço estava incompleto, tudo bem você pagar "
                   "metade do frete ({amount})?",
        "r_return": "Claro! É só devolver em até 14 dias na embalagem original e nos mandar o "
                    "código de rastreio. Reembolsamos assim que chegar.",
        "r_done": "Feito ✅ Seu pedido {order} foi atualizado.",
        "r_answer": "Oi! Sim, 100% original, comprado na loja oficial (temos a nota). Enviamos "
                    "em 2-3 dias e a entrega costuma levar 7-14 dias.",
        "r_thanks": "Muito obrigado, {name}, você fez nosso dia! ❤️",
        "r_customs": "Sentimos muito pela taxa, {name}. Manda o comprovante que a gente "
                     "reembolsa metade.",
        "r_payment": "Desculpa o transtorno! Aqui vai um novo link de pagamento para o {order}. "
                     "Também dá pra pagar com PayPal.",
        "r_carrier": "Abrimos uma investigação com a {carrier} para o rastreio {tracking}. "
                     "Costuma levar 5-7 dias úteis, vamos te atualizando.",
        "r_sorry": "Entendemos totalmente sua frustração, {name}, e pedimos desculpas. Deixa a "
                   "gente resolver: reembolso ou reenvio, como preferir.",
        "r_partial": "Como pedido de desculpas, reembolsamos {amount}. Obrigado pela paciência.",
        "r_coupon": "Como pedido de desculpas, aqui vai um cupom de 15% para a próxima compra: "
                    "SORRY15",
        "r_closing": "Que bom que deu tudo certo! Qualquer coisa é só chamar 😊",
    },
    "ja": {
        "status": "すみません、注文{order}はいつ届きますか？追跡が何日も更新されてないです",
        "delay": "{order}、先週届く予定だったのにまだ来ません…どうなってますか？",
        "not_received": "追跡だと配達済みになってるのに何も届いてません。宅配ボックスも確認しました",
        "damaged": "{product}が破損して届きました。箱がつぶれてました😢",
        "wrong_item": "{product}を注文したのに違う商品が届きました",
        "missing": "注文{order}、商品がひとつ入っていませんでした",
        "quality": "{product}の品質がひどいです。写真と全然違うし、本物ですか？",
        "refund_pending": "10日前に返金済みと言われましたが、まだ反映されていません",
        "customs": "荷物が税関で止まっていて関税を払うように言われました。聞いてないです",
        "other": "注文{order}が二重に請求されています。確認してください",
        "demand": "全額返金か、新しいものを送ってください。",
        "demand_money": "とにかく返金してください。",
        "return": "{product}を返品できますか？イメージと違っていて",
        "cancel": "注文{order}をキャンセルしてください。間違えて注文しました",
        "payment": "カードが通らなくて支払いできません。他の支払い方法はありますか？",
        "address": "引っ越したので{order}の配送先を変更できますか？新しい住所を送ります",
        "product_q": "{product}は正規品ですか？届くまで何日くらいかかりますか？",
        "compliment": "{product}届きました！すごく気に入りました、ありがとうございます😍",
        "followup": "その後どうなりましたか？",
        "thanks": ("わかりました、ありがとうございます", "了解です！"),
        "threat_review": "明日までに解決しなければ星1のレビューを書きます。",
        "threat_case": "今日中に返事がなければ{platform}に申し立てします。",
        "photo_sent": "箱と商品の写真を送ります",
        "r_ack": "{name}様、ご迷惑をおかけして申し訳ございません。すぐに確認し、24時間以内にご連絡いたします。",
        "r_tracking": "{name}様、ご注文{order}は{carrier}で配送中です。追跡番号は{tracking}です。"
                      "もう数日お待ちください🙏",
        "r_photo": "申し訳ございません。商品と外箱（ラベル付き）の写真を送っていただけますか？すぐに対応いたします。",
        "r_refund": "{name}様、{amount}をお支払い方法へ返金いたしました。反映まで3〜5営業日かかる場合がございます。",
        "r_reship": "大変申し訳ございません。代わりの商品を無料でお送りし、発送後に新しい追跡番号をお知らせします。",
        "r_copay": "再送いたします。住所に不備があったため、送料の半額（{amount}）をご負担いただけますでしょうか？",
        "r_return": "もちろんです。14日以内に元の梱包で返送し、追跡番号をお知らせください。到着後に返金いたします。",
        "r_done": "対応しました✅ ご注文{order}を更新しました。",
        "r_answer": "こんにちは！はい、公式ストアで購入した100％正規品です（レシートあり）。"
                    "2〜3日以内に発送し、通常7〜14日でお届けします。",
        "r_thanks": "{name}様、うれしいお言葉ありがとうございます！❤️",
        "r_customs": "関税の件、申し訳ございません。領収書を送っていただければ半額を返金いたします。",
        "r_payment": "ご不便をおかけしました。{order}の新しいお支払いリンクをお送りします。PayPalもご利用いただけます。",
        "r_carrier": "{carrier}に{tracking}の調査を依頼しました。通常5〜7営業日かかりますので、わかり次第ご連絡します。",
        "r_sorry": "{name}様、ご不快な思いをさせてしまい本当に申し訳ございません。"
                   "返金か再送か、ご希望の方法で必ず対応いたします。",
        "r_partial": "お詫びとして{amount}を返金いたしました。ご理解いただきありがとうございます。",
        "r_coupon": "お詫びに次回15％オフのクーポンをお送りします：SORRY15",
        "r_closing": "解決してよかったです！また何かあればお気軽にご連絡ください😊",
    },
    "ko": {
        "status": "안녕하세요 주문 {order} 언제 와요? 배송조회가 며칠째 그대로예요",
        "delay": "{order} 지난주에 도착 예정이었는데 아직도 안 왔어요. 어떻게 된 거예요?",
        "not_received": "배송완료로 뜨는데 아무것도 못 받았어요. 경비실도 확인했어요",
        "damaged": "{product} 파손돼서 왔어요 ㅠㅠ 박스가 다 찌그러져 있었어요",
        "wrong_item": "{product} 주문했는데 완전 다른 상품이 왔어요",
        "missing": "주문 {order} 상품 하나가 빠져서 왔어요",
        "quality": "{product} 품질이 너무 별로예요. 사진이랑 완전 다르고 정품 맞나요?",
        "refund_pending": "10일 전에 환불했다고 하셨는데 아직 입금이 안 됐어요",
        "customs": "택배가 세관에 걸려서 관세 내라고 연락 왔어요. 이런 얘기 없었잖아요",
        "other": "주문 {order} 결제가 두 번 됐어요. 확인 부탁드려요",
        "demand": "전액 환불해주시거나 새 걸로 다시 보내주세요.",
        "demand_money": "그냥 환불해 주세요.",
        "return": "{product} 반품 가능한가요? 저한테 안 맞아서요",
        "cancel": "주문 {order} 취소해주세요 잘못 주문했어요",
        "payment": "카드 결제가 계속 거절돼요. 다른 방법으로 결제할 수 있나요?",
        "address": "이사해서 {order} 배송지 변경 가능할까요? 새 주소 보내드릴게요",
        "product_q": "{product} 정품인가요? 배송은 며칠 정도 걸려요?",
        "compliment": "{product} 잘 받았어요! 너무 마음에 들어요 감사합니다 😍",
        "followup": "혹시 진행상황 있나요??",
        "thanks": ("네 감사합니다", "넵 알겠습니다!"),
        "threat_review": "내일까지 해결 안 되면 별점 1개 리뷰 남길게요.",
        "threat_case": "오늘 안에 답 없으면 {platform}에 분쟁 신청할게요.",
        "photo_sent": "박스랑 제품 사진 보내드려요",
        "r_ack": "{name}님, 불편을 드려 정말 죄송합니다. 바로 확인해서 24시간 안에 안내드리겠습니다.",
        "r_tracking": "{name}님, 주문 {order}은 {carrier}로 배송 중입니다. 운송장 번호는 {tracking}입니다. "
                      "며칠만 더 기다려 주세요 🙏",
        "r_photo": "죄송합니다. 제품과 겉박스(송장 포함) 사진을 보내주시면 바로 처리해 드리겠습니다.",
        "r_refund": "{name}님, {amount} 원래 결제수단으로 환불 처리했습니다. 반영까지 영업일 기준 3~5일 걸릴 수 "
                    "있습니다.",
        "r_reship": "정말 죄송합니다. 새 제품을 무료로 다시 보내드리고, 발송되면 새 운송장 번호 알려드리겠습니다.",
        "r_copay": "다시 보내드릴게요. 주소가 불완전했던 부분이 있어서 배송비 절반({amount})만 부담해 주실 수 "
                   "있을까요?",
        "r_return": "네 가능합니다! 14일 이내에 원래 포장 상태로 보내주시고 운송장 번호 알려주세요. 도착 확인 후 "
                    "환불해 드립니다.",
        "r_done": "처리 완료했습니다 ✅ 주문 {order} 변경되었습니다.",
        "r_answer": "안녕하세요! 네, 공식 매장에서 구매한 100% 정품입니다 (영수증 있어요). 2~3일 내 발송되고 "
                    "보통 7~14일 정도 걸립니다.",
        "r_thanks": "{name}님, 좋은 말씀 너무 감사합니다! ❤️",
        "r_customs": "관세 문제 정말 죄송합니다. 영수증 보내주시면 절반 환불해 드릴게요.",
        "r_payment": "불편 드려 죄송합니다. {order} 새 결제 링크 보내드려요. PayPal로도 결제 가능합니다.",
        "r_carrier": "{carrier}에 {tracking} 조사 요청했습니다. 보통 영업일 기준 5~7일 걸리며 결과 나오는 대로 "
                     "알려드리겠습니다.",
        "r_sorry": "{name}님, 화나시는 거 충분히 이해합니다. 정말 죄송합니다. 환불이든 재발송이든 원하시는 "
                   "방법으로 꼭 해결해 드리겠습니다.",
        "r_partial": "사과의 의미로 {amount} 환불해 드렸습니다. 기다려 주셔서 감사합니다.",
        "r_coupon": "사과의 의미로 다음 주문 15% 할인 코드 드려요: SORRY15",
        "r_closing": "해결돼서 다행이에요! 또 필요하신 거 있으면 언제든 말씀해 주세요 😊",
    },
    "zh": {
        "status": "你好，我的订单{order}到哪了？物流好几天没更新了",
        "delay": "订单{order}说上周到，到现在还没收到，怎么回事啊？",
        "not_received": "物流显示已签收，但我根本没收到，问了邻居和前台都没有",
        "damaged": "{product}收到的时候是坏的，箱子都压扁了😭",
        "wrong_item": "我买的是{product}，寄来的是别的东西？？",
        "missing": "订单{order}少发了一件",
        "quality": "{product}质量太差了，跟图片完全不一样，是正品吗？",
        "refund_pending": "你们10天前说退款了，我到现在还没收到",
        "customs": "包裹被海关扣了，让我交税，之前没人说过要交税啊",
        "other": "订单{order}被扣了两次款，麻烦查一下",
        "demand": "要么全额退款，要么给我重新发一个。",
        "demand_money": "我只想要回我的钱。",
        "return": "{product}可以退货吗？不太合适",
        "cancel": "订单{order}帮我取消一下，拍错了",
        "payment": "付款一直失败，卡被拒了，可以用别的方式付吗？",
        "address": "我搬家了，订单{order}的收货地址能改一下吗？新地址发你",
        "product_q": "{product}是正品吗？发货要多久？",
        "compliment": "{product}收到了，超级喜欢！谢谢亲😍",
        "followup": "有消息了吗？？",
        "thanks": ("好的谢谢", "好的👌"),
        "threat_review": "明天还不解决我就给差评，还要发小红书。",
        "threat_case": "今天不回复我就去{platform}投诉。",
        "photo_sent": "箱子和商品的照片发你了",
        "r_ack": "{name}您好，非常抱歉！我们马上核实，24小时内给您回复。",
        "r_tracking": "{name}您好！订单{order}已通过{carrier}发出，单号{tracking}，正在运输中，请再耐心等几天🙏",
        "r_photo": "非常抱歉，麻烦发一下商品和外箱（带面单）的照片，我们马上处理。",
        "r_refund": "{name}您好，已退款{amount}到原支付方式，一般3-5个工作日到账。",
        "r_reship": "真的很抱歉，我们免费给您补发一个，发货后马上把新单号发给您。",
        "r_copay": "我们给您重新寄出。因为地址不完整，运费能否由您承担一半（{amount}）？",
        "r_return": "可以的！请在14天内用原包装寄回，并把快递单号发给我们，收到后马上退款。",
        "r_done": "已处理✅ 订单{order}已更新。",
        "r_answer": "您好！是的，官方门店购买，100%正品（有小票）。2-3天内发货，一般7-14天送达。",
        "r_thanks": "谢谢{name}的支持，太开心了！❤️",
        "r_customs": "关税的事非常抱歉，麻烦把缴税凭证发给我们，我们承担一半。",
        "r_payment": "不好意思！这是订单{order}的新付款链接，也可以用PayPal或微信支付。",
        "r_carrier": "我们已经向{carrier}提交了{tracking}的查件申请，一般需要5-7个工作日，有结果第一时间通知您。",
        "r_sorry": "{name}，非常理解您的心情，真的很抱歉。请给我们一个机会，退款或补发都可以，按您的意思来。",
        "r_partial": "为表歉意，已给您退款{amount}，谢谢您的耐心。",
        "r_coupon": "为表歉意，送您一个下单85折的优惠码：SORRY15",
        "r_closing": "问题解决就好！有任何需要随时找我们😊",
    },
    "ru": {
        "status": "здравствуйте, где мой заказ {order}? трек не обновляется уже несколько дней",
        "delay": "Заказ {order} должен был прийти на прошлой неделе, до сих пор ничего. Что "
                 "случилось?",
        "not_received": "По треку написано «вручено», но мне ничего не приходило. Соседи тоже "
                        "ничего не видели",
        "damaged": "{product} пришёл разбитым, коробка вся смята 😞",
        "wrong_item": "В заказе был {product}, а прислали совсем другое??",
        "missing": "В посылке не хватает одного товара, заказ {order}",
        "quality": "Качество ужасное, {product} совсем не как на фото. Это вообще оригинал?",
        "refund_pending": "Вы написали, что вернули деньги 10 дней назад, но на карту до сих пор "
                          "ничего не пришло",
        "customs": "Посылка застряла на таможне, требуют оплатить пошлину, меня об этом никто не "
                   "предупреждал",
        "other": "С меня дважды списали деньги за заказ {order}, проверьте пожалуйста",
        "demand": "Верните полную сумму или отправьте новый.",
        "demand_money": "Просто верните мне деньги.",
        "return": "Здравствуйте, можно вернуть {product}? не подошёл",
        "cancel": "Отмените пожалуйста заказ {order}, оформлен по ошибке",
        "payment": "не проходит оплата, карту отклоняет. можно оплатить по-другому?",
        "address": "У меня сменился адрес, можно поменять адрес доставки для {order}? Пришлю "
                   "новый",
        "product_q": "{product} оригинал? Сколько идёт доставка?",
        "compliment": "{product} пришёл, очень нравится!! Спасибо большое 😍",
        "followup": "есть новости??",
        "thanks": ("хорошо, спасибо", "ок, спасибо!"),
        "threat_review": "Если завтра не решите, оставлю отзыв на 1 звезду.",
        "threat_case": "Если сегодня не ответите, открою спор на {platform}.",
        "photo_sent": "Вот фото коробки и товара",
        "r_ack": "{name}, здравствуйте! Очень сожалеем. Уже проверяем, ответим в течение 24 "
                 "часов.",
        "r_tracking": "{name}, здравствуйте! Заказ {order} в пути, служба {carrier}, трек-номер "
                      "{tracking}. Осталось совсем немного 🙏",
        "r_photo": "Очень жаль, {name}. Пришлите, пожалуйста, фото товара и коробки с "
                   "наклейкой, и мы быстро всё решим.",
        "r_refund": "{name}, мы вернули {amount} на исходный способ оплаты. Зачисление может "
                    "занять 3-5 рабочих дней.",
        "r_reship": "Приносим извинения. Бесплатно отправим вам замену и пришлём новый "
                    "трек-номер сразу после отправки.",
        "r_copay": "Мы отправим заказ повторно. Так как адрес был неполным, сможете оплатить "
                   "половину доставки ({amount})?",
        "r_return": "Конечно! Отправьте товар в течение 14 дней в оригинальной упаковке и "
                    "пришлите трек-номер. Деньги вернём после получения.",
        "r_done": "Готово ✅ Заказ {order} обновлён.",
        "r_answer": "Здравствуйте! Да, 100% оригинал, куплен в официальном магазине (чек есть). "
                    "Отправляем за 2-3 дня, доставка обычно 7-14 дней.",
        "r_thanks": "Большое спасибо, {name}, очень приятно! ❤️",
        "r_customs": "Сожалеем насчёт пошлины, {name}. Пришлите квитанцию, и мы компенсируем "
                     "половину.",
        "r_payment": "Извините за неудобства! Вот новая ссылка на оплату {order}. Можно также "
                     "оплатить через PayPal.",
        "r_carrier": "Мы открыли запрос в {carrier} по отправлению {tracking}. Обычно это "
                     "занимает 5-7 рабочих дней, будем держать вас в курсе.",
        "r_sorry": "{name}, мы полностью понимаем ваше недовольство и приносим извинения. Дайте "
                   "нам шанс всё исправить: возврат денег или повторная отправка, как вам "
                   "удобнее.",
        "r_partial": "В качестве извинения мы вернули вам {amount}. Спасибо за терпение.",
        "r_coupon": "В качестве извинения — промокод на 15% на следующий заказ: SORRY15",
        "r_closing": "Рады, что всё решилось! Если что-то понадобится, пишите 😊",
    },
    "ar": {
        "status": "السلام عليكم، وين طلبي {order}؟ التتبع ما تحدّث من أيام",
        "delay": "الطلب {order} كان المفروض يوصل الأسبوع الماضي وللحين ما وصل. إيش صاير؟",
        "not_received": "التتبع يقول تم التسليم بس أنا ما استلمت شي، وسألت الجيران بعد",
        "damaged": "وصلني {product} مكسور، والكرتون كله مضغوط 😞",
        "wrong_item": "طلبت {product} ووصلني شي ثاني تماماً!!",
        "missing": "ناقص قطعة من الطلب {order}",
        "quality": "جودة {product} سيئة جداً ومو نفس الصور. هل هو أصلي؟",
        "refund_pending": "قلتوا إنكم رجعتوا المبلغ قبل 10 أيام وللحين ما وصلني شي",
        "customs": "الشحنة محجوزة في الجمارك ويطلبون مني أدفع رسوم، ما أحد قال لي عن هذا",
        "other": "انسحب المبلغ مرتين على الطلب {order}، تأكدوا لو سمحتوا",
        "demand": "أبي استرجاع كامل المبلغ أو ترسلون لي واحد جديد.",
        "demand_money": "أبي فلوسي ترجع وبس.",
        "return": "مرحبا، أقدر أرجّع {product}؟ ما ناسبني",
        "cancel": "لو سمحت ألغِ الطلب {order}، طلبته بالغلط",
        "payment": "الدفع ما يمشي، البطاقة مرفوضة. فيه طريقة دفع ثانية؟",
        "address": "مرحبا، غيرت سكني، ممكن تعدلون عنوان التوصيل للطلب {order}؟ بأرسل لكم العنوان "
                   "الجديد",
        "product_q": "هل {product} أصلي؟ وكم ياخذ الشحن؟",
        "compliment": "وصلني {product} وعجبني مرة!! شكراً جزيلاً 😍",
        "followup": "فيه أي جديد؟؟",
        "thanks": ("تمام شكراً", "الله يعطيكم العافية"),
        "threat_review": "إذا ما انحلت المشكلة بكرة بحط تقييم نجمة وحدة.",
        "threat_case": "إذا ما رديتوا اليوم بفتح نزاع في {platform}.",
        "photo_sent": "هذي صور الكرتون والمنتج",
        "r_ack": "أهلاً {name}، نعتذر جداً عن الإزعاج. نتحقق من الموضوع الآن وسنرد عليك خلال ٢٤ "
                 "ساعة.",
        "r_tracking": "أهلاً {name}! طلبك {order} في الطريق مع {carrier}، رقم التتبع {tracking}. "
                      "نرجو الانتظار بضعة أيام 🙏",
        "r_photo": "نأسف لذلك يا {name}. هل يمكنك إرسال صورة للمنتج والكرتون مع الملصق؟ وسنحل "
                   "المشكلة بسرعة.",
        "r_refund": "أهلاً {name}، تم استرجاع {amount} إلى وسيلة الدفع الأصلية. قد يستغرق ظهوره "
                    "من ٣ إلى ٥ أيام عمل.",
        "r_reship": "نعتذر بشدة. سنرسل لك بديلاً مجاناً ونرسل رقم التتبع الجديد فور الشحن.",
        "r_copay": "سنعيد إرسال الطلب. وبما أن العنوان كان ناقصاً، هل توافق على دفع نصف تكلفة "
                   "الشحن ({amount})؟",
        "r_return": "بالتأكيد! أرسل المنتج خلال ١٤ يوماً في تغليفه الأصلي وأرسل لنا رقم التتبع، "
                    "وسنرد المبلغ فور وصوله.",
        "r_done": "تم ✅ تم تحديث طلبك {order}.",
        "r_answer": "أهلاً! نعم، أصلي ١٠٠٪ ومشترى من المتجر الرسمي (الفاتورة متوفرة). نشحن خلال "
                    "٢-٣ أيام والتوصيل عادة ٧-١٤ يوماً.",
        "r_thanks": "شكراً جزيلاً يا {name}، كلامك أسعدنا! ❤️",
        "r_customs": "نعتذر عن رسوم الجمارك يا {name}. أرسل لنا الإيصال وسنتحمل نصف المبلغ.",
        "r_payment": "نعتذر عن الإزعاج! هذا رابط دفع جديد للطلب {order}، ويمكنك الدفع عبر PayPal "
                     "أيضاً.",
        "r_carrier": "فتحنا طلب تحقيق مع {carrier} للشحنة {tracking}. يستغرق عادة ٥-٧ أيام عمل "
                     "وسنبلغك بالمستجدات.",
        "r_sorry": "نتفهم انزعاجك تماماً يا {name} ونعتذر. امنحنا فرصة لحل المشكلة: استرجاع "
                   "المبلغ أو إعادة الإرسال، كما تفضّل.",
        "r_partial": "كاعتذار منا، أرجعنا لك {amount}. شكراً لصبرك.",
        "r_coupon": "كاعتذار بسيط، هذا كود خصم ١٥٪ لطلبك القادم: SORRY15",
        "r_closing": "سعداء أن المشكلة انحلت! لا تتردد بمراسلتنا في أي وقت 😊",
    },
    "vi": {
        "status": "shop ơi đơn {order} của mình tới đâu rồi ạ? tracking mấy ngày nay ko cập nhật",
        "delay": "Đơn {order} hẹn tuần trước giao mà giờ vẫn chưa thấy đâu, sao vậy shop?",
        "not_received": "Tracking báo đã giao mà mình chưa nhận được gì hết, hỏi hàng xóm cũng "
                        "không có",
        "damaged": "{product} giao tới bị hư rồi shop ơi, hộp móp méo hết 😭",
        "wrong_item": "Mình đặt {product} mà shop gửi nhầm món khác",
        "missing": "Đơn {order} bị thiếu 1 món shop ơi",
        "quality": "{product} chất lượng tệ quá, không giống hình gì hết. Có phải hàng chính "
                   "hãng không vậy?",
        "refund_pending": "Shop nói đã hoàn tiền 10 ngày trước mà tới giờ mình vẫn chưa nhận "
                          "được",
        "customs": "Hàng bị giữ ở hải quan, bắt mình đóng thuế, shop đâu có nói trước",
        "other": "Đơn {order} bị trừ tiền 2 lần, shop kiểm tra giúp mình với",
        "demand": "Mình muốn hoàn tiền toàn bộ hoặc gửi lại cái mới.",
        "demand_money": "Mình chỉ muốn lấy lại tiền thôi.",
        "return": "Shop ơi {product} có đổi trả được không? mình dùng không hợp",
        "cancel": "Shop hủy giúp mình đơn {order} nha, mình đặt nhầm",
        "payment": "thanh toán không được, thẻ bị từ chối. có cách nào khác không shop?",
        "address": "Shop ơi mình mới chuyển nhà, đổi địa chỉ giao đơn {order} được không? mình "
                   "gửi địa chỉ mới nha",
        "product_q": "{product} có phải hàng auth không shop? ship mất bao lâu vậy?",
        "compliment": "Nhận được {product} rồi, xinh xỉu luôn!! cảm ơn shop nhiều 😍",
        "followup": "có tin gì chưa shop??",
        "thanks": ("dạ ok cảm ơn shop", "oki shop 👍"),
        "threat_review": "Mai mà không giải quyết là mình đánh giá 1 sao đó nha.",
        "threat_case": "Hôm nay không trả lời là mình khiếu nại lên {platform}.",
        "photo_sent": "Mình gửi hình hộp với sản phẩm nè",
        "r_ack": "Chào {name}, shop thành thật xin lỗi ạ! Shop đang kiểm tra ngay, trong 24h sẽ "
                 "báo lại bạn nha.",
        "r_tracking": "Chào {name}! Đơn {order} đang được {carrier} vận chuyển, mã vận đơn "
                      "{tracking}. Bạn đợi thêm vài ngày nha 🙏",
        "r_photo": "Shop xin lỗi {name} ạ. Bạn chụp giúp shop hình sản phẩm và thùng hàng (có "
                   "tem vận đơn) nha, shop xử lý liền.",
        "r_refund": "Chào {name}, shop đã hoàn {amount} về phương thức thanh toán ban đầu, "
                    "khoảng 3-5 ngày làm việc sẽ nhận được ạ.",
        "r_reship": "Shop thật sự xin lỗi. Shop sẽ gửi lại sản phẩm mới miễn phí và báo mã vận "
                    "đơn mới ngay khi gửi.",
        "r_copay": "Shop sẽ gửi lại cho bạn. Vì địa chỉ lúc đầu bị thiếu, bạn hỗ trợ giúp shop "
                   "một nửa phí ship ({amount}) được không ạ?",
        "r_return": "Được bạn nhé! Bạn gửi lại trong 14 ngày, còn nguyên bao bì, rồi báo shop mã "
                    "vận đơn. Hàng về tới là shop hoàn tiền.",
        "r_done": "Xong rồi ạ ✅ Đơn {order} đã được cập nhật.",
        "r_answer": "Chào bạn! Dạ hàng chính hãng 100%, mua tại store chính thức (có hóa đơn). "
                    "Shop gửi trong 2-3 ngày, thường 7-14 ngày là tới.",
        "r_thanks": "Cảm ơn {name} nhiều lắm, shop vui ghê! ❤️",
        "r_customs": "Shop xin lỗi về khoản thuế, {name} ơi. Bạn gửi biên lai, shop chịu một "
                     "nửa nha.",
        "r_payment": "Xin lỗi bạn vì bất tiện! Đây là link thanh toán mới cho đơn {order}, bạn "
                     "cũng có thể trả qua PayPal.",
        "r_carrier": "Shop đã yêu cầu {carrier} tra soát kiện {tracking}, thường mất 5-7 ngày "
                     "làm việc, có kết quả shop báo liền.",
        "r_sorry": "Shop hiểu bạn đang rất bực, {name}, và thật lòng xin lỗi. Cho shop cơ hội "
                   "xử lý nha: hoàn tiền hay gửi lại tùy bạn chọn.",
        "r_partial": "Để xin lỗi, shop đã hoàn cho bạn {amount}. Cảm ơn bạn đã kiên nhẫn.",
        "r_coupon": "Shop gửi bạn mã giảm 15% cho đơn sau để xin lỗi nha: SORRY15",
        "r_closing": "Giải quyết xong rồi shop vui quá! Cần gì cứ nhắn shop nha 😊",
    },
    "th": {
        "status": "สวัสดี{pk} ออเดอร์ {order} ถึงไหนแล้ว{pkq} แทร็คไม่อัปเดตมาหลายวันแล้ว",
        "delay": "ออเดอร์ {order} บอกว่าจะถึงอาทิตย์ที่แล้ว แต่ตอนนี้ยังไม่ได้เลย เกิดอะไรขึ้น{pkq}",
        "not_received": "แทร็คขึ้นว่าจัดส่งสำเร็จแล้ว แต่ไม่ได้รับของเลย{pk} ถามนิติแล้วก็ไม่มี",
        "damaged": "{product} มาถึงเสียหายเลย{pk} กล่องบุบหมด 😭",
        "wrong_item": "สั่ง {product} แต่ได้ของอย่างอื่นมา{pk}",
        "missing": "ออเดอร์ {order} ของขาดไป 1 ชิ้น{pk}",
        "quality": "{product} คุณภาพแย่มาก ไม่เหมือนในรูปเลย ของแท้หรือเปล่า{pkq}",
        "refund_pending": "แจ้งว่าคืนเงินแล้วตั้งแต่ 10 วันก่อน แต่ยังไม่เข้าบัญชีเลย{pk}",
        "customs": "พัสดุติดศุลกากร ให้จ่ายภาษีด้วย ไม่เห็นมีใครบอกก่อนเลย",
        "other": "ออเดอร์ {order} โดนตัดเงินสองรอบ{pk} ช่วยเช็คให้หน่อย",
        "demand": "ขอคืนเงินเต็มจำนวน หรือส่งชิ้นใหม่มาให้{pk}",
        "demand_money": "ขอเงินคืนอย่างเดียว{pk}",
        "return": "{product} คืนได้ไหม{pkq} ใช้แล้วไม่เหมาะ",
        "cancel": "รบกวนยกเลิกออเดอร์ {order} ให้หน่อย{pk} กดสั่งผิด",
        "payment": "จ่ายเงินไม่ผ่าน บัตรโดนปฏิเสธ มีช่องทางอื่นไหม{pkq}",
        "address": "ย้ายบ้านแล้ว{pk} เปลี่ยนที่อยู่จัดส่งออเดอร์ {order} ได้ไหม{pkq} เดี๋ยวส่งที่อยู่ใหม่ให้",
        "product_q": "{product} ของแท้ไหม{pkq} ส่งกี่วันถึง",
        "compliment": "ได้รับ {product} แล้ว ชอบมากกก ขอบคุณมาก{pk} 😍",
        "followup": "มีอัปเดตไหม{pkq}",
        "thanks": ("โอเค ขอบคุณ{pk}", "ได้เลย{pk} 🙏"),
        "threat_review": "ถ้าพรุ่งนี้ยังไม่แก้ไข จะให้รีวิว 1 ดาวนะ",
        "threat_case": "ถ้าวันนี้ไม่ตอบ จะเปิดข้อพิพาทกับ {platform}",
        "photo_sent": "ส่งรูปกล่องกับสินค้าให้แล้ว{pk}",
        "r_ack": "สวัสดีค่ะคุณ{name} ขออภัยเป็นอย่างสูงค่ะ ทางร้านกำลังตรวจสอบให้ จะแจ้งกลับภายใน 24 ชม. ค่ะ",
        "r_tracking": "สวัสดีค่ะคุณ{name} ออเดอร์ {order} อยู่ระหว่างจัดส่งกับ {carrier} เลขพัสดุ {tracking} "
                      "รออีกไม่กี่วันนะคะ 🙏",
        "r_photo": "ขออภัยค่ะคุณ{name} รบกวนถ่ายรูปสินค้าและกล่องพัสดุ (ที่มีใบปะหน้า) ส่งมาให้หน่อยนะคะ "
                   "ร้านจะรีบจัดการให้ค่ะ",
        "r_refund": "คุณ{name} ทางร้านคืนเงิน {amount} เข้าช่องทางชำระเงินเดิมแล้วค่ะ อาจใช้เวลา 3-5 วันทำการ",
        "r_reship": "ต้องขออภัยจริงๆ ค่ะ ร้านจะส่งชิ้นใหม่ให้ฟรี และแจ้งเลขพัสดุใหม่ทันทีที่ส่งค่ะ",
        "r_copay": "ร้านจะส่งให้ใหม่นะคะ เนื่องจากที่อยู่ครั้งก่อนไม่ครบ รบกวนช่วยออกค่าส่งครึ่งหนึ่ง ({amount}) "
                   "ได้ไหมคะ",
        "r_return": "ได้ค่ะ! ส่งคืนภายใน 14 วันในแพ็กเกจเดิม แล้วแจ้งเลขพัสดุให้ร้าน ได้รับของแล้วจะคืนเงินทันทีค่ะ",
        "r_done": "เรียบร้อยค่ะ ✅ อัปเดตออเดอร์ {order} แล้ว",
        "r_answer": "สวัสดีค่ะ ของแท้ 100% ซื้อจากช็อปทางการ (มีใบเสร็จ) ส่งภายใน 2-3 วัน ปกติ 7-14 วันถึงค่ะ",
        "r_thanks": "ขอบคุณมากๆ ค่ะคุณ{name} ดีใจมากเลย ❤️",
        "r_customs": "ขออภัยเรื่องภาษีค่ะคุณ{name} ส่งใบเสร็จมาให้ร้านได้เลย ร้านช่วยออกให้ครึ่งหนึ่งค่ะ",
        "r_payment": "ขออภัยในความไม่สะดวกค่ะ นี่คือลิงก์ชำระเงินใหม่ของออเดอร์ {order} หรือจ่ายผ่าน PayPal "
                     "ก็ได้ค่ะ",
        "r_carrier": "ร้านยื่นเรื่องให้ {carrier} ตรวจสอบพัสดุ {tracking} แล้วค่ะ ปกติใช้เวลา 5-7 วันทำการ "
                     "ได้ผลแล้วจะแจ้งทันทีค่ะ",
        "r_sorry": "เข้าใจความรู้สึกเลยค่ะคุณ{name} ต้องขออภัยจริงๆ ขอโอกาสร้านแก้ไขนะคะ "
                   "จะคืนเงินหรือส่งใหม่แล้วแต่สะดวกเลยค่ะ",
        "r_partial": "เพื่อเป็นการขอโทษ ร้านคืนเงินให้ {amount} แล้วค่ะ ขอบคุณที่รอนะคะ",
        "r_coupon": "ร้านขอมอบโค้ดส่วนลด 15% สำหรับออเดอร์หน้าเป็นการขอโทษค่ะ: SORRY15",
        "r_closing": "ดีใจที่เรียบร้อยแล้วค่ะ มีอะไรทักมาได้ตลอดเลยนะคะ 😊",
    },
    "id": {
        "status": "kak, pesanan {order} udah sampai mana ya? resinya gak update dari beberapa "
                  "hari",
        "delay": "Pesanan {order} harusnya sampai minggu lalu tapi sampai sekarang belum datang. "
                 "Kenapa ya kak?",
        "not_received": "Di tracking tulisannya sudah diterima tapi aku gak terima apa2, udah "
                        "tanya tetangga juga",
        "damaged": "{product} datang dalam keadaan rusak kak, kardusnya penyok semua 😭",
        "wrong_item": "Aku pesan {product} tapi yang datang barang lain kak",
        "missing": "Pesanan {order} kurang 1 barang kak",
        "quality": "Kualitas {product} jelek banget, beda jauh sama fotonya. Ini ori gak sih?",
        "refund_pending": "Katanya refund udah diproses 10 hari lalu tapi sampai sekarang belum "
                          "masuk",
        "customs": "Paketnya ketahan di bea cukai dan aku disuruh bayar pajak, gak ada info "
                   "sebelumnya",
        "other": "Pesanan {order} kepotong dua kali kak, tolong dicek",
        "demand": "Aku minta refund penuh atau dikirim ulang yang baru.",
        "demand_money": "Aku cuma mau uangku balik.",
        "return": "Kak, {product} bisa diretur gak? gak cocok",
        "cancel": "Kak tolong cancel pesanan {order} ya, salah pesan",
        "payment": "pembayarannya gagal terus, kartunya ditolak. bisa bayar pakai cara lain?",
        "address": "Kak aku baru pindah, alamat pengiriman pesanan {order} bisa diganti? nanti "
                   "aku kirim alamat barunya",
        "product_q": "{product} ori kak? pengiriman berapa lama?",
        "compliment": "{product} udah sampai, suka bangettt!! makasih kak 😍",
        "followup": "ada kabar kak??",
        "thanks": ("oke makasih kak", "siap kak 🙏"),
        "threat_review": "Kalau besok belum beres, aku kasih bintang 1 ya.",
        "threat_case": "Kalau hari ini gak dibalas aku ajukan komplain ke {platform}.",
        "photo_sent": "Ini foto kardus sama barangnya kak",
        "r_ack": "Halo kak {name}, mohon maaf banget ya! Kami cek sekarang, maksimal 24 jam kami "
                 "kabari lagi.",
        "r_tracking": "Halo kak {name}! Pesanan {order} lagi dalam perjalanan via {carrier}, "
                      "nomor resi {tracking}. Mohon ditunggu beberapa hari lagi ya 🙏",
        "r_photo": "Mohon maaf kak {name}. Boleh kirim foto barang dan kardusnya (yang ada "
                   "labelnya)? Biar kami proses secepatnya.",
        "r_refund": "Halo kak {name}, refund {amount} sudah kami kirim ke metode pembayaran "
                    "awal. Biasanya masuk dalam 3-5 hari kerja.",
        "r_reship": "Mohon maaf sekali kak. Kami kirim ulang barang baru gratis, nomor resi baru "
                    "kami infokan begitu dikirim.",
        "r_copay": "Kami kirim ulang ya kak. Karena alamat sebelumnya kurang lengkap, boleh "
                   "kakak bantu setengah ongkirnya ({amount})?",
        "r_return": "Bisa kak! Kirim balik maksimal 14 hari dengan kemasan asli lalu info nomor "
                    "resinya ya. Refund kami proses setelah barang sampai.",
        "r_done": "Sudah ya kak ✅ Pesanan {order} sudah diperbarui.",
        "r_answer": "Halo kak! Iya, 100% original, dibeli di toko resmi (ada struknya). Dikirim "
                    "dalam 2-3 hari, biasanya sampai 7-14 hari.",
        "r_thanks": "Makasih banyak kak {name}, seneng banget dengernya! ❤️",
        "r_customs": "Mohon maaf soal bea cukainya kak {name}. Kirim bukti bayarnya ya, kami "
                     "tanggung setengahnya.",
        "r_payment": "Maaf ya kak atas kendalanya! Ini link pembayaran baru untuk pesanan "
                     "{order}, bisa juga bayar via PayPal.",
        "r_carrier": "Kami sudah ajukan pelacakan ke {carrier} untuk resi {tracking}. Biasanya "
                     "5-7 hari kerja, nanti kami kabari hasilnya.",
        "r_sorry": "Kami paham banget kak {name} pasti kesal, mohon maaf ya. Kasih kami "
                   "kesempatan beresin dulu: refund atau kirim ulang, terserah kakak.",
        "r_partial": "Sebagai permintaan maaf, kami sudah refund {amount} ya kak. Terima kasih "
                     "atas kesabarannya.",
        "r_coupon": "Sebagai permintaan maaf, ini kode diskon 15% untuk pesanan berikutnya: "
                    "SORRY15",
        "r_closing": "Senang sudah beres ya kak! Kalau ada apa-apa chat kami aja 😊",
    },
    "tr": {
        "status": "merhaba, {order} numaralı siparişim nerede? kargo takibi günlerdir "
                  "güncellenmiyor",
        "delay": "{order} siparişim geçen hafta gelmesi gerekiyordu, hâlâ yok. Ne oldu?",
        "not_received": "Takipte teslim edildi yazıyor ama bana hiçbir şey gelmedi, komşulara da "
                        "sordum",
        "damaged": "{product} hasarlı geldi, kutu ezilmiş 😞",
        "wrong_item": "{product} sipariş ettim ama bambaşka bir ürün geldi??",
        "missing": "{order} siparişimde bir ürün eksik çıktı",
        "quality": "{product} kalitesi berbat, fotoğraflardaki gibi değil. Orijinal mi bu?",
        "refund_pending": "10 gün önce iadeyi yaptık dediniz ama hâlâ hesabıma geçmedi",
        "customs": "Paketim gümrükte bekliyor, vergi ödemem isteniyor, kimse bundan bahsetmedi",
        "other": "{order} siparişi için kartımdan iki kez çekim yapıldı, kontrol eder misiniz",
        "demand": "Ya paramın tamamını iade edin ya da yenisini gönderin.",
        "demand_money": "Sadece paramı geri istiyorum.",
        "return": "Merhaba, {product} için iade yapabilir miyim? olmadı",
        "cancel": "{order} siparişimi iptal eder misiniz, yanlışlıkla verdim",
        "payment": "ödeme geçmiyor, kart reddediliyor. başka bir yolla ödeyebilir miyim?",
        "address": "Merhaba! Taşındım, {order} siparişinin teslimat adresini değiştirebilir "
                   "misiniz? yeni adresi atıyorum",
        "product_q": "{product} orijinal mi? Kargo kaç günde gelir?",
        "compliment": "{product} geldi, bayıldım!! Çok teşekkürler 😍",
        "followup": "bir gelişme var mı??",
        "thanks": ("tamam teşekkürler", "süper, sağ olun!"),
        "threat_review": "Yarına kadar çözülmezse 1 yıldız yorum bırakacağım.",
        "threat_case": "Bugün dönüş olmazsa {platform} üzerinden şikâyet açacağım.",
        "photo_sent": "Kutunun ve ürünün fotoğrafları burada",
        "r_ack": "Merhaba {name}, çok özür dileriz! Hemen kontrol ediyoruz, 24 saat içinde "
                 "dönüş yapacağız.",
        "r_tracking": "Merhaba {name}! {order} siparişiniz {carrier} ile yolda, takip numarası "
                      "{tracking}. Birkaç gün daha sabrınızı rica ederiz 🙏",
        "r_photo": "Çok üzgünüz {name}. Ürünün ve etiketli kutunun fotoğrafını gönderebilir "
                   "misiniz? Hemen çözelim.",
        "r_refund": "Merhaba {name}, {amount} tutarını ödeme yönteminize iade ettik. Hesabınıza "
                    "geçmesi 3-5 iş günü sürebilir.",
        "r_reship": "Gerçekten özür dileriz. Size ücretsiz yenisini gönderiyoruz, yeni takip "
                    "numarasını kargoya verince paylaşacağız.",
        "r_copay": "Yeniden gönderiyoruz. Adres eksik olduğu için kargo ücretinin yarısını "
                   "({amount}) karşılamanız mümkün mü?",
        "r_return": "Tabii! 14 gün içinde orijinal ambalajıyla geri gönderip takip numarasını "
                    "iletin. Ürün bize ulaşınca iadeyi yapıyoruz.",
        "r_done": "Tamamdır ✅ {order} siparişiniz güncellendi.",
        "r_answer": "Merhaba! Evet, resmi mağazadan alınmış %100 orijinal ürün (fişi var). 2-3 "
                    "gün içinde kargoya veriyoruz, teslimat genelde 7-14 gün.",
        "r_thanks": "Çok teşekkür ederiz {name}, çok mutlu olduk! ❤️",
        "r_customs": "Gümrük masrafı için özür dileriz {name}. Makbuzu gönderirseniz yarısını "
                     "biz karşılayalım.",
        "r_payment": "Aksaklık için özür dileriz! {order} için yeni ödeme bağlantısı burada, "
                     "PayPal ile de ödeyebilirsiniz.",
        "r_carrier": "{carrier} nezdinde {tracking} için araştırma başlattık. Genelde 5-7 iş "
                     "günü sürüyor, sizi bilgilendireceğiz.",
        "r_sorry": "{name}, kızgınlığınızı çok iyi anlıyoruz ve özür dileriz. Lütfen önce bize "
                   "çözme şansı verin: iade ya da yeniden gönderim, nasıl isterseniz.",
        "r_partial": "Özür olarak size {amount} iade ettik. Sabrınız için teşekkürler.",
        "r_coupon": "Küçük bir özür olarak bir sonraki siparişinizde geçerli %15 indirim kodu: "
                    "SORRY15",
        "r_closing": "Her şeyin çözülmesine sevindik! Bir şey olursa yazmanız yeterli 😊",
    },
    "nl": {
        "status": "hoi, waar blijft mijn bestelling {order}? track & trace staat al dagen stil",
        "delay": "Mijn bestelling {order} had vorige week binnen moeten zijn en nog steeds "
                 "niks. Wat is er aan de hand?",
        "not_received": "Volgens track & trace bezorgd maar ik heb niks ontvangen, buren ook "
                        "gevraagd",
        "damaged": "{product} is kapot aangekomen, de doos was helemaal ingedeukt 😞",
        "wrong_item": "Ik had {product} besteld maar kreeg iets heel anders??",
        "missing": "Er mist een artikel in mijn pakket, bestelling {order}",
        "quality": "De kwaliteit van {product} is echt slecht, lijkt niet op de foto's. Is dit "
                   "wel echt?",
        "refund_pending": "Jullie zeiden 10 dagen geleden dat de terugbetaling gedaan was, maar "
                          "ik heb nog steeds niks ontvangen",
        "customs": "Mijn pakket ligt bij de douane en ik moet invoerkosten betalen, dat stond "
                   "nergens",
        "other": "Er is twee keer afgeschreven voor bestelling {order}, kunnen jullie dat checken",
        "demand": "Ik wil mijn geld terug of een nieuwe.",
        "demand_money": "Ik wil gewoon mijn geld terug.",
        "return": "Hoi, kan ik {product} retourneren? past niet zo",
        "cancel": "Kunnen jullie bestelling {order} annuleren? per ongeluk besteld",
        "payment": "betaling lukt niet, kaart wordt geweigerd. kan ik op een andere manier "
                   "betalen?",
        "address": "Hoi! Ik ben verhuisd, kunnen jullie het bezorgadres van {order} nog "
                   "aanpassen? stuur het nieuwe adres zo",
        "product_q": "Is {product} origineel? En hoe lang duurt de verzending?",
        "compliment": "{product} is binnen, ben er echt blij mee!! Super bedankt 😍",
        "followup": "al nieuws??",
        "thanks": ("ok dank je", "top, bedankt!"),
        "threat_review": "Als dit morgen niet opgelost is laat ik een review van 1 ster achter.",
        "threat_case": "Als ik vandaag niks hoor open ik een geschil bij {platform}.",
        "photo_sent": "Hier zijn de foto's van de doos en het product",
        "r_ack": "Hoi {name}, wat vervelend, sorry! We zoeken het meteen uit en laten binnen 24 "
                 "uur iets weten.",
        "r_tracking": "Hoi {name}! Je bestelling {order} is onderweg met {carrier}, "
                      "trackingnummer {tracking}. Nog even geduld 🙏",
        "r_photo": "Wat vervelend, {name}. Kun je een foto sturen van het product en de doos met "
                   "het label? Dan lossen we het snel op.",
        "r_refund": "Hoi {name}, we hebben {amount} teruggestort via je oorspronkelijke "
                    "betaalmethode. Het kan 3-5 werkdagen duren.",
        "r_reship": "Echt sorry. We sturen je gratis een nieuwe en delen het nieuwe "
                    "trackingnummer zodra hij verzonden is.",
        "r_copay": "We sturen het opnieuw. Omdat het adres onvolledig was: is het oké als jij de "
                   "helft van de verzendkosten ({amount}) betaalt?",
        "r_return": "Zeker! Stuur het binnen 14 dagen in de originele verpakking terug en stuur "
                    "ons het trackingnummer. We betalen terug zodra het binnen is.",
        "r_done": "Geregeld ✅ Je bestelling {order} is aangepast.",
        "r_answer": "Hoi! Ja, 100% origineel, gekocht in de officiële winkel (bon aanwezig). We "
                    "versturen binnen 2-3 dagen, levering duurt meestal 7-14 dagen.",
        "r_thanks": "Heel erg bedankt {name}, daar worden we blij van! ❤️",
        "r_customs": "Sorry voor de douanekosten, {name}. Stuur ons de bon, dan vergoeden we de "
                     "helft.",
        "r_payment": "Sorry voor het ongemak! Hier is een nieuwe betaallink voor {order}. "
                     "Betalen met PayPal kan ook.",
        "r_carrier": "We hebben bij {carrier} een onderzoek gestart voor {tracking}. Dat duurt "
                     "meestal 5-7 werkdagen, we houden je op de hoogte.",
        "r_sorry": "We snappen je frustratie helemaal, {name}, en het spijt ons. Geef ons de "
                   "kans het op te lossen: geld terug of opnieuw versturen, wat jij wilt.",
        "r_partial": "Als excuus hebben we je {amount} teruggestort. Bedankt voor je geduld.",
        "r_coupon": "Als klein excuus: 15% korting op je volgende bestelling met code SORRY15",
        "r_closing": "Fijn dat het opgelost is! Laat het gerust weten als je nog iets nodig "
                     "hebt 😊",
    },
    "pl": {
        "status": "dzień dobry, gdzie jest moje zamówienie {order}? śledzenie nie aktualizuje "
                  "się od kilku dni",
        "delay": "Zamówienie {order} miało dojść w zeszłym tygodniu i dalej nic. Co się dzieje?",
        "not_received": "W śledzeniu jest „doręczono”, a do mnie nic nie dotarło. Sąsiedzi też "
                        "nic nie mają",
        "damaged": "Paczka przyszła uszkodzona, karton cały zgnieciony, {product} do "
                   "wyrzucenia 😞",
        "wrong_item": "W zamówieniu było {product}, a przyszło coś zupełnie innego??",
        "missing": "W paczce brakuje jednego produktu, zamówienie {order}",
        "quality": "Jakość fatalna, {product} wygląda zupełnie inaczej niż na zdjęciach. To w "
                   "ogóle oryginał?",
        "refund_pending": "Napisaliście 10 dni temu, że zwrot poszedł, a na koncie dalej nic",
        "customs": "Paczka utknęła w urzędzie celnym i każą mi dopłacić cło, nikt mnie o tym nie "
                   "uprzedził",
        "other": "Za zamówienie {order} pobrano pieniądze dwa razy, proszę sprawdzić",
        "demand": "Chcę pełny zwrot pieniędzy albo wysyłkę nowego.",
        "demand_money": "Chcę po prostu odzyskać pieniądze.",
        "return": "Dzień dobry, czy mogę zwrócić {product}? nie pasuje",
        "cancel": "Proszę anulować zamówienie {order}, to pomyłka",
        "payment": "płatność nie przechodzi, karta odrzucona. można zapłacić inaczej?",
        "address": "Dzień dobry, czy można jeszcze zmienić adres dostawy dla {order}? Podeślę "
                   "nowy",
        "product_q": "Czy {product} jest oryginalny? Ile trwa wysyłka?",
        "compliment": "Paczka doszła, {product} jest super!! Dziękuję bardzo 😍",
        "followup": "są jakieś wieści??",
        "thanks": ("ok dziękuję", "super, dzięki!"),
        "threat_review": "Jeśli do jutra tego nie rozwiążecie, wystawię opinię na 1 gwiazdkę.",
        "threat_case": "Jeśli dziś nie odpiszecie, otwieram spór na {platform}.",
        "photo_sent": "Przesyłam zdjęcia kartonu i produktu",
        "r_ack": "Dzień dobry, bardzo przepraszamy! Już to sprawdzamy i odezwiemy się w ciągu "
                 "24 godzin.",
        "r_tracking": "Dzień dobry! Zamówienie {order} jest w drodze ({carrier}), numer "
                      "przesyłki {tracking}. Prosimy jeszcze o kilka dni cierpliwości 🙏",
        "r_photo": "Bardzo nam przykro. Prosimy o zdjęcie produktu i kartonu z etykietą, wtedy "
                   "szybko to załatwimy.",
        "r_refund": "Dzień dobry, zwróciliśmy {amount} na pierwotną metodę płatności. Może to "
                    "potrwać 3-5 dni roboczych.",
        "r_reship": "Bardzo przepraszamy. Wyślemy nowy produkt bezpłatnie i podamy nowy numer "
                    "przesyłki zaraz po nadaniu.",
        "r_copay": "Wyślemy ponownie. Ponieważ adres był niepełny, czy mogą Państwo pokryć "
                   "połowę kosztów wysyłki ({amount})?",
        "r_return": "Oczywiście! Prosimy odesłać produkt w ciągu 14 dni w oryginalnym "
                    "opakowaniu i przesłać numer przesyłki. Zwrot zrobimy po otrzymaniu.",
        "r_done": "Zrobione ✅ Zamówienie {order} zostało zaktualizowane.",
        "r_answer": "Dzień dobry! Tak, 100% oryginał, kupiony w oficjalnym sklepie (mamy "
                    "paragon). Wysyłamy w 2-3 dni, dostawa zwykle trwa 7-14 dni.",
        "r_thanks": "Bardzo dziękujemy, ogromnie nam miło! ❤️",
        "r_customs": "Przepraszamy za cło. Prosimy przesłać pokwitowanie, pokryjemy połowę "
                     "kwoty.",
        "r_payment": "Przepraszamy za kłopot! Oto nowy link do płatności za {order}. Można też "
                     "zapłacić przez PayPal.",
        "r_carrier": "Zgłosiliśmy reklamację w {carrier} dla przesyłki {tracking}. Zwykle trwa "
                     "to 5-7 dni roboczych, będziemy informować.",
        "r_sorry": "Doskonale rozumiemy frustrację i bardzo przepraszamy. Prosimy dać nam szansę "
                   "to naprawić: zwrot pieniędzy albo ponowna wysyłka, do wyboru.",
        "r_partial": "W ramach przeprosin zwróciliśmy {amount}. Dziękujemy za cierpliwość.",
        "r_coupon": "W ramach przeprosin kod -15% na kolejne zamówienie: SORRY15",
        "r_closing": "Cieszymy się, że wszystko załatwione! W razie czego prosimy pisać 😊",
    },
}

# Messages written on purpose to exercise the hard cases (formula injection, emoji-only,
# code-switching, multi-line). They are tied to pinned customers below.
SPECIAL = {
    "call_me": "+1 212 555 0100 call me pls, easier than typing lol. its about {order}",
    "call_me_reply": "Hi {name}! Sorry, we can't call internationally but we're right here 😊 "
                     "{order} is on its way with {carrier}, tracking {tracking}.",
    "new_number": "+44 7700 900123 is my new number, pls use this one for the delivery of "
                  "{order} 🙏",
    "hyperlink": '=HYPERLINK("https://t.17track.net/en#nums={tracking}","{tracking}")',
    "hyperlink_2": "^ sorry pasted that from my spreadsheet lol. the tracking link just says "
                   "not found?? has it shipped?",
    "ok": "ok",
    "emoji": "😍😍😍🙏",
    "es_mix": "oye my order {order} todavía no llega 😩 el tracking dice in transit desde hace "
              "like two weeks, qué pasa??",
    "ko_mix": "안녕하세요! {order} tracking number 조회가 안 돼요 ㅠㅠ 17track에서도 not found 떠요. "
              "혹시 ship 된 거 맞나요?",
    "ko_mix_thanks": "오 이제 조회돼요!! 감사합니다 👍",
    "add_items": "- 2x COSRX snail essence\n- 1x Relief Sun\ncan I still add these to my order "
                 "{order}?? 🙏",
    "zh_gb": "亲，皮卡丘团购什么时候到呀？{order}",
    "zh_gb_thanks": "好的谢谢亲🙏",
}

# ------------------------------------------------------------------------ dispute plan
# Forty disputes, written out so every type, grade, status and resolution is covered
# whatever the seed: (type, grade, status, resolution, which of Type/Grade is typed in).
# The rest ("") is left empty for Type (auto)/Grade (auto); the description still makes
# the grade plain (a refund demand, a platform case, a review threat).
DISPUTE_PLAN: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("delivery_delay", "G1", "open", None, "TG"),
    ("delivery_delay", "G1", "awaiting_carrier", None, ""),
    ("delivery_delay", "G4", "open", None, "TG"),
    ("delivery_delay", "G1", "resolved", "coupon", ""),
    ("delivery_delay", "G2", "resolved", "partial_refund", "TG"),
    ("delivery_delay", "G3", "escalated", None, ""),
    ("delivery_delay", "G1", "closed", "none", "TG"),
    ("not_received", "G2", "awaiting_carrier", None, "TG"),
    ("not_received", "G3", "escalated", None, "TG"),
    ("not_received", "G2", "resolved", "reship_copay", ""),
    ("not_received", "G3", "resolved", "full_refund", "TG"),
    ("not_received", "G2", "open", None, "T"),
    ("not_received", "G1", "awaiting_carrier", None, ""),
    ("damaged", "G2", "waiting_customer", None, "TG"),
    ("damaged", "G2", "resolved", "reship", "TG"),
    ("damaged", "G1", "resolved", "partial_refund", ""),
    ("damaged", "G4", "open", None, ""),
    ("damaged", "G2", "awaiting_carrier", None, ""),
    ("damaged", "G1", "closed", "discount", "TG"),
    ("wrong_item", "G2", "waiting_customer", None, "TG"),
    ("wrong_item", "G2", "resolved", "replacement", "TG"),
    ("wrong_item", "G3", "escalated", None, ""),
    ("wrong_item", "G2", "closed", "refund_on_return", ""),
    ("missing_parts", "G2", "open", None, "TG"),
    ("missing_parts", "G1", "resolved", "reship", ""),
    ("missing_parts", "G2", "waiting_customer", None, "T"),
    ("quality_issue", "G4", "escalated", None, "TG"),
    ("quality_issue", "G2", "waiting_customer", None, ""),
    ("quality_issue", "G1", "resolved", "coupon", "TG"),
    ("quality_issue", "G2", "closed", "refund_on_return", ""),
    ("quality_issue", "G4", "resolved", "partial_refund", "TG"),
    ("refund_not_processed", "G2", "open", None, "TG"),
    ("refund_not_processed", "G3", "escalated", None, ""),
    ("refund_not_processed", "G1", "resolved", "full_refund", ""),
    ("customs", "G1", "awaiting_carrier", None, "TG"),
    ("customs", "G2", "resolved", "partial_refund", "TG"),
    ("customs", "G1", "closed", "none", ""),
    ("other", "G1", "open", None, "TG"),
    ("other", "G2", "waiting_customer", None, ""),
    ("other", "G1", "closed", "none", "G"),
)

PHOTO_TYPES = ("damaged", "wrong_item", "missing_parts", "quality_issue")
OPENER_KEY = {
    "delivery_delay": "delay", "not_received": "not_received", "damaged": "damaged",
    "wrong_item": "wrong_item", "missing_parts": "missing", "quality_issue": "quality",
    "refund_not_processed": "refund_pending", "customs": "customs", "other": "other",
}
# A refund-or-replacement demand fits a faulty item; for the rest only money helps.
MONEY_ONLY_TYPES = ("delivery_delay", "refund_not_processed", "customs", "other")
DESCRIPTION_KEYS = frozenset(OPENER_KEY.values()) | {
    "demand", "demand_money", "threat_case", "threat_review"}
# Marketplaces with their own case flow; other orders escalate through PayPal.
CASE_PLATFORMS = ("eBay", "AliExpress", "TikTok Shop")
RESOLUTION_STEPS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "full_refund": (("out", "r_refund", "later"),),
    "refund_on_return": (("out", "r_return", "later"), ("in", "thanks", "back"),
                         ("out", "r_refund", "later")),
    "reship": (("out", "r_reship", "later"),),
    "replacement": (("out", "r_reship", "later"),),
    "reship_copay": (("out", "r_copay", "later"), ("in", "thanks", "back"),
                     ("out", "r_closing", "reply")),
    "partial_refund": (("out", "r_partial", "later"),),
    "discount": (("out", "r_partial", "later"),),
    "coupon": (("out", "r_coupon", "later"),),
    "none": (("out", "r_closing", "later"),),
}
# How long ago (days) a dispute in each status was opened.
OPENED_DAYS_AGO = {
    "open": (0.05, 2.5), "waiting_customer": (0.5, 5.0), "awaiting_carrier": (2.0, 9.0),
    "escalated": (2.0, 12.0), "resolved": (8.0, 75.0), "closed": (10.0, 80.0),
}
# Minutes between two messages of a conversation, by kind of gap.
GAP_MINUTES = {
    "start": (0, 0), "burst": (1, 6), "reply": (6, 240), "slow": (240, 900),
    "back": (15, 720), "later": (1200, 4300),
}
DISPUTE_NOTES = {
    "delivery_delay": ("Carrier scan stuck at export hub", "Asked carrier for an update"),
    "not_received": ("Carrier says delivered to mailbox", "Asked customer to check with "
                     "neighbours / building office"),
    "damaged": ("Fragile sticker was on the box", "Carrier damage claim filed"),
    "wrong_item": ("Picking error at the warehouse", "Similar SKUs on the same shelf"),
    "missing_parts": ("Weight on label matches full order", "Check packing photo"),
    "quality_issue": ("Authenticity receipt available", "Batch checked, no other complaints"),
    "refund_not_processed": ("Refund stuck at payment provider", "Check PayPal refund status"),
    "customs": ("Declared value correct on CN23", "Customer's country charges VAT on all "
                "imports"),
    "other": ("Looks like a card pre-authorisation", "Asked for bank statement"),
}
PHOTO_DESCRIPTIONS = {
    "damaged": ("Crushed outer box with the label", "Damaged item close-up",
                "Inner packaging"),
    "wrong_item": ("Item received next to the order page", "SKU label of the item received",
                   "Outer box label"),
    "missing_parts": ("Open parcel showing what arrived", "Packing slip", "Outer box label"),
    "quality_issue": ("Close-up of the defect", "Item next to the listing photo",
                      "Brand tag and batch code"),
}


SCENARIOS: tuple[tuple[str, int], ...] = (
    ("status", 4), ("product_q", 3), ("compliment", 3), ("address", 2), ("cancel", 2),
    ("payment", 2), ("return", 2), ("delay_q", 2),
)
# Marketplaces take the payment themselves; elsewhere the shop sends a payment link.
PAYMENT_LINK_PLATFORMS = ("Shopify", "WhatsApp", "WeChat", "Direct")
SCENARIO_ORDER_KIND = {
    "status": "in_transit", "delay_q": "overdue", "product_q": None, "compliment": "delivered",
    "address": "processing", "cancel": "cancelled", "payment": "pending", "return": "delivered",
}
# (inbound opener, reply, optional closing from the customer)
SCENARIO_STEPS = {
    "status": ("status", "r_tracking", "thanks"),
    "delay_q": ("delay", "r_tracking", "thanks"),
    "product_q": ("product_q", "r_answer", "thanks"),
    "compliment": ("compliment", "r_thanks", None),
    "address": ("address", "r_done", "thanks"),
    "cancel": ("cancel", "r_done", None),
    "payment": ("payment", "r_payment", "thanks"),
    "return": ("return", "r_return", "thanks"),
}

# ------------------------------------------------------------------------ the model


@dataclass
class _Order:
    customer: _Customer
    platform: str
    order_date: dt.date
    product: _Product
    sku: str
    qty: int
    currency: str
    value: float
    shipping_cost: float
    product_cost: float
    carrier: str | None
    tracking: str | None
    ship_date: dt.date | None
    expected: dt.date | None
    delivered: dt.date | None
    status: str
    group_buy: str | None = None
    id: str = ""


@dataclass
class _Step:
    direction: str  # "in" or "out"
    gap: int  # minutes after the previous message
    key: str | None = None  # a TEXTS key ...
    text: str | None = None  # ... or a literal (SPECIAL) text
    time: dt.datetime | None = None
    rendered: str = ""
    draft: bool = False


@dataclass
class _Dispute:
    type: str
    grade: str
    status: str
    resolution: str | None
    typed: str  # "T", "G", "TG" or ""
    platform: str
    case_id: str | None
    amount: float | None = None
    csat: int | None = None
    notes: str | None = None
    id: str = ""


@dataclass
class _Conv:
    customer: _Customer
    channel: str
    handler: str
    steps: list[_Step]
    start: dt.datetime
    order: _Order | None = None
    product: _Product | None = None
    dispute: _Dispute | None = None
    reply_lang: str = "en"


class _Missing(dict[str, str]):
    """format_map mapping that fails loudly: a typo in a template must not ship."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"demo text placeholder {{{key}}} has no value")


def _days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def _currency(platform: str, country: str) -> str:
    if platform == "AliExpress":
        return "USD"  # AliExpress settles cross-border orders in USD
    if platform == "WeChat":
        return "CNY"
    return CURRENCY_BY_COUNTRY.get(country, "USD")


def _money(usd: float, currency: str) -> float:
    """USD amount -> the currency, rounded the way that currency is priced."""
    value = usd * USD_RATES[currency]
    step = ROUND_STEP.get(currency)
    if step:
        return float(max(step, round(value / step) * step))
    return round(value, 2)


def _round_in(value: float, currency: str) -> float:
    step = ROUND_STEP.get(currency)
    return float(round(value / step) * step) if step else round(value, 2)


def _fmt_money(value: float, currency: str, lang: str) -> str:
    text = f"{value:,.0f}" if currency in ROUND_STEP else f"{value:,.2f}"
    if lang in DECIMAL_COMMA:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"{text} {currency}"


def _s10(rng: random.Random, prefix: str, country: str) -> str:
    """A UPU S10 item id (EMS, registered mail) with a valid check digit."""
    digits = [rng.randint(0, 9) for _ in range(8)]
    check = 11 - sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7))) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{prefix}{''.join(map(str, digits))}{check}{country}"


def _tracking(rng: random.Random, carrier: str, origin: str) -> str:
    def digits(n: int) -> str:
        return "".join(str(rng.randint(0, 9)) for _ in range(n))

    if carrier == "EMS":
        return _s10(rng, "EE", origin)
    if carrier == "Korea Post":
        return _s10(rng, "LK", "KR")
    if carrier == "Japan Post":
        return _s10(rng, "RR", "JP")
    if carrier == "Yanwen":
        return f"UG{digits(9)}YP"
    if carrier == "Cainiao":
        return f"LP00{digits(12)}"
    if carrier == "YunExpress":
        return f"YT{digits(16)}"
    if carrier == "SF Express":
        return f"SF{digits(13)}"
    return digits(10)  # DHL Express waybill


def _case_id(rng: random.Random, platform: str) -> str:
    def digits(n: int) -> str:
        return "".join(str(rng.randint(0, 9)) for _ in range(n))

    if platform == "eBay":
        return "5" + digits(9)
    if platform == "AliExpress":
        return "8" + digits(15)
    if platform == "TikTok Shop":
        return "57" + digits(16)
    return "PP-D-" + digits(8)  # PayPal


class _Builder:
    """Holds the random generator and everything generated so far."""

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = now.date()
        self.orders: list[_Order] = []
        self.convs: list[_Conv] = []
        self.seen: set[tuple[str, str]] = set()  # (customer, scenario) already written

    # ------------------------------------------------------------------ small helpers
    def step(self, direction: str, key: str | None, gap: str, text: str | None = None) -> _Step:
        lo, hi = GAP_MINUTES[gap]
        if gap == "reply" and self.rng.random() < 0.25:
            lo, hi = GAP_MINUTES["slow"]  # a quarter of replies wait for the next shift
        return _Step(direction, self.rng.randint(lo, hi), key=key, text=text)

    def at(self, day: dt.date) -> dt.datetime:
        """A moment on ``day`` when customers write (8:00-22:59)."""
        return dt.datetime.combine(day, dt.time(self.rng.randint(8, 22), self.rng.randint(0, 59)))

    def fit(self, start: dt.datetime, duration: int) -> dt.datetime:
        """Move a conversation back so its last message is not after ``now``."""
        latest = self.now - dt.timedelta(minutes=duration + self.rng.randint(5, 90))
        return min(start, latest).replace(second=0, microsecond=0)

    def handler(self, lang: str) -> str:
        return self.rng.choice(HANDLERS_BY_LANG.get(lang, DEFAULT_HANDLERS))

    def channel(self, customer: _Customer, platform: str | None) -> str:
        if platform in ("eBay", "TikTok Shop", "WhatsApp", "WeChat"):
            return platform
        if platform == "Shopify":
            return "Shopify" if self.rng.random() < 0.5 else "Email"  # Shopify Inbox or mail
        if platform == "AliExpress":
            return "Other"  # AliExpress message centre
        if customer.channel in ("Shopify", "eBay", "TikTok Shop"):
            return "Email"
        return customer.channel

    def pick_product(self, customer: _Customer, platform: str) -> _Product:
        pool = [p for p in PRODUCTS if p.origin != customer.country]
        if platform == "AliExpress":
            pool = [p for p in pool if p.origin == "CN"]  # AliExpress ships from China
        return self.rng.choice(pool)

    def pick_qty(self, product: _Product) -> int:
        return 1 if product.heavy else self.rng.choice((1, 1, 1, 2, 2, 3))

    def pick_carrier(self, product: _Product, platform: str, qty: int) -> str:
        """Cheap tracked post for small parcels, express for shoes, bags and big orders."""
        if platform == "AliExpress":
            return "Cainiao"
        value = product.price * qty
        options = CARRIERS_BY_ORIGIN[product.origin]
        if product.heavy or value >= 120:
            options = tuple(o for o in options if o[0] in EXPRESS_CARRIERS + ("YunExpress",))
        elif value < 60:
            options = tuple(o for o in options if o[0] not in EXPRESS_CARRIERS)
        else:
            options = tuple(o for o in options if o[0] != "DHL")
        names, weights = zip(*options)
        return self.rng.choices(names, weights)[0]

    def make_order(self, customer: _Customer, platform: str, product: _Product,
                   order_date: dt.date, carrier: str, ship: dt.date | None,
                   expected: dt.date | None, delivered: dt.date | None, status: str, *,
                   qty: int | None = None, group_buy: str | None = None,
                   price_usd: float | None = None, charge_usd: float | None = None,
                   ship_cost_usd: float | None = None) -> _Order:
        rng = self.rng
        if qty is None:
            qty = self.pick_qty(product)
        sku = product.sku
        if product.sku.startswith(("CN-NK", "CN-AD", "JP-ONI")):
            sku += f"-EU{rng.randint(36, 45)}"
        currency = _currency(platform, customer.country)
        price = product.price if price_usd is None else price_usd
        subtotal = price * qty
        if ship_cost_usd is None:
            ship_cost_usd = CARRIER_COST_USD[carrier] * (1 + 0.25 * (qty - 1))
            ship_cost_usd *= 1.3 if product.heavy else 1.0
        if charge_usd is None:
            # Free shipping only when the margin pays for it; otherwise pass it on.
            margin = subtotal - product.cost * qty
            free = subtotal >= FREE_SHIPPING_FROM_USD and margin >= ship_cost_usd + 5
            charge_usd = 0.0 if free else float(round(ship_cost_usd + rng.uniform(0, 3)))
        order = _Order(
            customer=customer, platform=platform, order_date=order_date, product=product,
            sku=sku, qty=qty, currency=currency, value=_money(subtotal + charge_usd, currency),
            shipping_cost=_money(ship_cost_usd, currency),
            product_cost=_money(product.cost * qty, currency),
            carrier=carrier if ship else None,
            tracking=_tracking(rng, carrier, product.origin) if ship else None,
            ship_date=ship, expected=expected if ship else None, delivered=delivered,
            status=status, group_buy=group_buy,
        )
        self.orders.append(order)
        return order

    def flow_status(self, ship: dt.date | None, delivered: dt.date | None) -> str:
        if delivered:
            return "delivered"
        if ship:
            return "shipped" if (self.today - ship).days <= 1 else "in_transit"
        return "processing"

    def add_conv(self, customer: _Customer, steps: list[_Step], start: dt.datetime, *,
                 order: _Order | None = None, product: _Product | None = None,
                 channel: str | None = None, dispute: _Dispute | None = None,
                 handler: str | None = None) -> _Conv:
        conv = _Conv(
            customer=customer,
            channel=channel or self.channel(customer, order.platform if order else None),
            handler=handler or self.handler(customer.lang), steps=steps,
            start=self.fit(start, sum(s.gap for s in steps)), order=order,
            product=product or (order.product if order else None), dispute=dispute,
            # Customers who never told us their language get English replies.
            reply_lang=customer.preferred or "en",
        )
        self.convs.append(conv)
        return conv

    # ------------------------------------------------------------------ orders by fate
    def scenario_order(self, kind: str, customer: _Customer, platform: str,
                       product: _Product | None = None) -> tuple[_Order, dt.date]:
        """An order in a given state, and the day a conversation about it starts."""
        rng, t = self.rng, self.today
        product = product or self.pick_product(customer, platform)
        qty = self.pick_qty(product)
        carrier = self.pick_carrier(product, platform, qty)
        fast, quoted, _ = TRANSIT_DAYS[carrier]
        ship = expected = delivered = None
        if kind == "in_transit":
            ship = t - _days(rng.randint(3, max(3, quoted - 2)))
            expected = max(ship + _days(quoted), t + _days(1))
            order_date = ship - _days(rng.randint(1, 3))
            anchor = ship + _days(rng.randint(2, (t - ship).days))
        elif kind == "overdue":
            expected = t - _days(rng.randint(3, 10))
            ship = expected - _days(quoted)
            order_date = ship - _days(rng.randint(1, 3))
            anchor = expected + _days(rng.randint(1, (t - expected).days))
        elif kind == "delivered":
            delivered = t - _days(rng.randint(1, 75))
            ship = delivered - _days(rng.randint(fast, quoted))
            expected = ship + _days(quoted)
            order_date = ship - _days(rng.randint(1, 3))
            anchor = min(t, delivered + _days(rng.randint(0, 2)))
        elif kind == "cancelled":
            order_date = t - _days(rng.randint(1, 100))
            anchor = order_date
        else:  # pending / paid / processing: not shipped yet
            order_date = t - _days(rng.randint(0, 2))
            anchor = order_date
        status = kind if kind in ("cancelled", "pending", "paid", "processing") else \
            self.flow_status(ship, delivered)
        order = self.make_order(customer, platform, product, order_date, carrier, ship,
                                expected, delivered, status, qty=qty)
        return order, anchor

    # ------------------------------------------------------------------ the group buy
    def group_buy(self) -> dict[str, _Order]:
        rng, t = self.rng, self.today
        ship = t - _days(16)
        expected = ship + _days(10)
        dates = [t - _days(rng.randint(23, 29)) for _ in GROUP_BUY_MEMBERS]
        first = min(dates)
        gb_id = f"GB-{first.year}-{first.month:02d}"
        # Three parcels are still on their way past the quoted date: a real delay case.
        late = rng.sample(range(len(GROUP_BUY_MEMBERS)), 3)
        out: dict[str, _Order] = {}
        for i, (cid, order_date) in enumerate(zip(GROUP_BUY_MEMBERS, dates)):
            customer = _BY_ID[cid]
            if customer.channel == "WeChat":
                platform = "WeChat"
            elif "WhatsApp" in customer.platforms:
                platform = "WhatsApp"
            else:
                platform = "Direct"
            delivered = None if i in late else min(t - _days(1), ship + _days(rng.randint(7, 13)))
            out[cid] = self.make_order(
                customer, platform, GROUP_BUY_PRODUCT, order_date, "EMS", ship, expected,
                delivered, self.flow_status(ship, delivered), qty=rng.choice((1, 1, 2, 3)),
                group_buy=gb_id, charge_usd=7.0, ship_cost_usd=5.5,
            )
        return out

    # ------------------------------------------------------------------ disputes
    def dispute_steps(self, dtype: str, grade: str, status: str,
                      resolution: str | None) -> list[_Step]:
        st = self.step
        steps = [st("in", OPENER_KEY[dtype], "start")]
        if grade == "G2":
            demand = "demand_money" if dtype in MONEY_ONLY_TYPES else "demand"
            steps.append(st("in", demand, "burst"))
        photo = dtype in PHOTO_TYPES
        first = "r_photo" if photo else "r_ack"
        if status == "open":
            if grade == "G4":
                steps += [st("in", "threat_review", "burst"), st("out", "r_sorry", "reply")]
            elif self.rng.random() < 0.6:
                steps.append(st("out", first, "reply"))
            return steps
        steps.append(st("out", first, "reply"))
        if status == "waiting_customer":
            return steps
        if photo:
            steps.append(st("in", "photo_sent", "back"))
        if status == "awaiting_carrier":
            if not photo:
                steps.append(st("in", "followup", "later"))
            steps.append(st("out", "r_carrier", "reply"))
            return steps
        threats = ["threat_review"] if grade == "G4" else []
        if grade == "G3" or status == "escalated":
            threats.append("threat_case")
        if threats:
            steps.append(st("in", "followup", "later"))
            steps += [st("in", key, "burst") for key in threats]
            steps.append(st("out", "r_sorry", "reply"))
        if status == "escalated":
            return steps
        assert resolution is not None
        if resolution == "none" and dtype in ("delivery_delay", "customs"):
            steps += [st("out", "r_tracking", "later"), st("in", "thanks", "back")]
        for direction, key, gap in RESOLUTION_STEPS[resolution]:
            if key == "r_partial" and dtype == "customs":
                key = "r_customs"  # "we pay half the duties"
            steps.append(st(direction, key, gap))
        if self.rng.random() < 0.7:
            steps.append(st("in", "thanks", "back"))
        return steps

    def dispute_order(self, dtype: str, status: str, resolution: str | None,
                      customer: _Customer, platform: str, opened: dt.date) -> _Order:
        rng, t = self.rng, self.today
        product = self.pick_product(customer, platform)
        qty = self.pick_qty(product)
        carrier = self.pick_carrier(product, platform, qty)
        fast, quoted, _ = TRANSIT_DAYS[carrier]
        settled = status in schema.CLOSED_DISPUTE_STATUSES
        ship: dt.date | None = None
        delivered: dt.date | None = None
        status_override: str | None = None
        if dtype in ("delivery_delay", "customs"):
            if dtype == "delivery_delay":
                expected = opened - _days(rng.randint(3, 8))
                ship = expected - _days(quoted)
            else:
                ship = opened - _days(rng.randint(5, 10))
                expected = ship + _days(quoted)
            order_date = ship - _days(rng.randint(1, 3))
            if settled:
                day = opened + _days(rng.randint(1, 5))
                delivered = day if day <= t else None
        elif dtype == "refund_not_processed" and rng.random() < 0.5:
            # Cancelled before shipping; the refund never arrived.
            order_date = opened - _days(rng.randint(8, 16))
            expected = None
            status_override = "refunded" if settled else "cancelled"
        elif dtype == "other":
            order_date = opened - _days(rng.randint(0, 3))
            day = order_date + _days(rng.randint(1, 3))
            ship = day if day < t else None
            expected = ship + _days(quoted) if ship else None
            if ship:
                day = ship + _days(rng.randint(fast, quoted))
                delivered = day if day <= t else None
        else:
            # Delivered (or so the carrier says) before the complaint.
            back = (12, 20) if dtype == "refund_not_processed" else (0, 4)
            delivered = opened - _days(rng.randint(*back))
            ship = delivered - _days(rng.randint(fast, quoted))
            expected = ship + _days(quoted)
            order_date = ship - _days(rng.randint(1, 3))
            if dtype == "refund_not_processed":
                status_override = "refunded" if settled else "returned"
            elif resolution in ("full_refund", "refund_on_return"):
                status_override = "refunded"
        status_value = status_override or self.flow_status(ship, delivered)
        return self.make_order(customer, platform, product, order_date, carrier, ship,
                               expected, delivered, status_value, qty=qty)

    def disputes(self) -> None:
        rng = self.rng
        order_of_plan = list(range(len(DISPUTE_PLAN)))
        rng.shuffle(order_of_plan)
        langs = [lang for lang in schema.LANGUAGES if any(c.lang == lang for c in CUSTOMERS)]
        used: dict[str, int] = {}
        for n, i in enumerate(order_of_plan):
            dtype, grade, status, resolution, typed = DISPUTE_PLAN[i]
            needs_case = grade == "G3" or status == "escalated"
            # The first disputes go one per language, so every language has a complaint.
            pool = [c for c in CUSTOMERS
                    if (n >= len(langs) or c.lang == langs[n]) and used.get(c.id, 0) < 2
                    and (not needs_case or c.platforms != ("WeChat",))]
            customer = rng.choice(pool)
            used[customer.id] = used.get(customer.id, 0) + 1
            platforms = [p for p in customer.platforms if not (needs_case and p == "WeChat")]
            platform = rng.choice(platforms)

            steps = self.dispute_steps(dtype, grade, status, resolution)
            lo, hi = OPENED_DAYS_AGO[status]
            start = self.fit(self.now - _days(rng.uniform(lo, hi)), sum(s.gap for s in steps))
            order = self.dispute_order(dtype, status, resolution, customer, platform,
                                       start.date())
            dispute_platform = platform
            if needs_case and platform not in CASE_PLATFORMS:
                dispute_platform = "PayPal"
            dispute = _Dispute(
                type=dtype, grade=grade, status=status, resolution=resolution, typed=typed,
                platform=dispute_platform,
                case_id=_case_id(rng, dispute_platform) if needs_case else None,
            )
            if resolution is not None:
                dispute.amount = self.resolution_amount(dtype, resolution, order)
                if rng.random() < 0.65:
                    dispute.csat = self.csat(grade, resolution)
            if rng.random() < 0.5:
                dispute.notes = rng.choice(DISPUTE_NOTES[dtype])
            self.add_conv(customer, steps, start, order=order, dispute=dispute)

    def resolution_amount(self, dtype: str, resolution: str, order: _Order) -> float:
        v, ccy, rng = order.value, order.currency, self.rng
        if resolution in ("full_refund", "refund_on_return"):
            return v
        if resolution == "partial_refund":
            if dtype == "customs":
                return _money(rng.uniform(8, 25), ccy)  # half of the duties
            return _round_in(v * rng.choice((0.15, 0.2, 0.25, 0.3)), ccy)
        if resolution in ("discount", "coupon"):
            return _round_in(v * rng.choice((0.1, 0.15)), ccy)
        if resolution in ("reship", "replacement"):
            return _round_in(order.product_cost + order.shipping_cost, ccy)
        if resolution == "reship_copay":
            return _round_in(order.shipping_cost / 2, ccy)
        return 0.0

    def csat(self, grade: str, resolution: str) -> int:
        if grade == "G4":
            return self.rng.choice((1, 2, 3))
        if resolution in ("full_refund", "reship", "replacement"):
            return self.rng.choice((4, 5, 5))
        return self.rng.choice((3, 4, 4, 5))

    # ------------------------------------------------------------------ conversations
    def pinned(self, gb: dict[str, _Order]) -> None:
        """The hand-made hard cases, on fixed customers so they exist for every seed."""
        st, c = self.step, _BY_ID

        def conv(cid: str, kind: str, platform: str, channel: str, steps: list[_Step]) -> None:
            customer = c[cid]
            order, anchor = self.scenario_order(kind, customer, platform)
            self.add_conv(customer, steps, self.at(anchor), order=order, channel=channel)

        conv("C001", "delivered", "Shopify", "Shopify", [
            st("in", "compliment", "start"), st("out", "r_thanks", "reply"),
            st("in", None, "back", SPECIAL["emoji"])])
        conv("C001", "in_transit", "Shopify", "Email", [
            st("in", None, "start", SPECIAL["call_me"]),
            st("out", None, "reply", SPECIAL["call_me_reply"])])
        conv("C003", "processing", "WhatsApp", "WhatsApp", [
            st("in", None, "start", SPECIAL["new_number"]), st("out", "r_done", "reply"),
            st("in", "thanks", "back")])
        conv("C005", "in_transit", "Shopify", "Email", [
            st("in", None, "start", SPECIAL["hyperlink"]),
            st("in", None, "burst", SPECIAL["hyperlink_2"]), st("out", "r_tracking", "reply"),
            st("in", "thanks", "back")])
        conv("C006", "overdue", "eBay", "eBay", [
            st("in", "status", "start"), st("out", "r_tracking", "reply"),
            st("in", None, "back", SPECIAL["ok"])])
        conv("C012", "overdue", "TikTok Shop", "TikTok Shop", [
            st("in", None, "start", SPECIAL["es_mix"]), st("out", "r_tracking", "reply"),
            st("in", "thanks", "back")])
        conv("C028", "in_transit", "TikTok Shop", "TikTok Shop", [
            st("in", None, "start", SPECIAL["ko_mix"]), st("out", "r_tracking", "reply"),
            st("in", None, "back", SPECIAL["ko_mix_thanks"])])
        conv("C008", "processing", "WhatsApp", "WhatsApp", [
            st("in", None, "start", SPECIAL["add_items"]), st("out", "r_done", "reply"),
            st("in", "thanks", "back")])
        # Group-buy members asking where the parcel is (Chinese on WeChat, Arabic RTL).
        for cid, first in (("C029", st("in", None, "start", SPECIAL["zh_gb"])),
                           ("C035", st("in", "status", "start"))):
            order = gb[cid]
            assert order.ship_date is not None
            last = st("in", None, "back", SPECIAL["zh_gb_thanks"]) if cid == "C029" \
                else st("in", "thanks", "back")
            steps = [first, st("out", "r_tracking", "reply"), last]
            day = order.ship_date + _days(self.rng.randint(3, 6))
            self.add_conv(c[cid], steps, self.at(day), order=order,
                          channel="WeChat" if cid == "C029" else "WhatsApp")

    def scenario_conv(self, scenario: str, room: int) -> int:
        """One everyday conversation of at most ``room`` messages; returns its length."""
        rng, st = self.rng, self.step
        if room == 1:
            scenario = "product_q"  # a fresh question nobody has answered yet
        platforms = PAYMENT_LINK_PLATFORMS if scenario == "payment" else schema.PLATFORMS
        pool = [c for c in CUSTOMERS if (c.id, scenario) not in self.seen
                and any(p in platforms for p in c.platforms)]
        customer = rng.choice(pool)
        self.seen.add((customer.id, scenario))
        opener, reply, closing = SCENARIO_STEPS[scenario]
        steps = [st("in", opener, "start")]
        if room > 1:
            steps.append(st("out", reply, "reply"))
        if room > 2 and closing and rng.random() < 0.6:
            steps.append(st("in", closing, "back"))
        kind = SCENARIO_ORDER_KIND[scenario]
        if kind is None:
            product = rng.choice([p for p in PRODUCTS if p.origin != customer.country])
            start = self.now - _days(rng.uniform(0.02, 0.3) if room == 1 else rng.uniform(0.5, 110))
            self.add_conv(customer, steps, start.replace(second=0, microsecond=0),
                          product=product)
            return len(steps)
        platform = rng.choice([p for p in customer.platforms if p in platforms])
        if scenario == "payment" and len(steps) == 3:
            kind = "paid"  # the new link worked
        order, anchor = self.scenario_order(kind, customer, platform)
        self.add_conv(customer, steps, self.at(anchor), order=order)
        return len(steps)

    def fill(self) -> None:
        total = sum(len(c.steps) for c in self.convs)
        if total > N_INTERACTIONS:
            raise AssertionError(f"demo plan has {total} messages before filling")
        names, weights = zip(*SCENARIOS)
        while total < N_INTERACTIONS:
            scenario = self.rng.choices(names, weights)[0]
            total += self.scenario_conv(scenario, min(3, N_INTERACTIONS - total))

    def silent_orders(self) -> None:
        """Orders nobody wrote about, plus one for every customer who has none."""
        rng = self.rng
        has_order = {o.customer.id for o in self.orders}
        extra = [c for c in CUSTOMERS if c.id not in has_order]
        extra += [rng.choice(CUSTOMERS) for _ in range(rng.randint(4, 8))]
        for customer in extra:
            kind = rng.choice(("delivered", "delivered", "delivered", "in_transit"))
            self.scenario_order(kind, customer, rng.choice(customer.platforms))

    # ------------------------------------------------------------------ finishing
    def number_and_time(self) -> list[_Conv]:
        """Give ids (in date order, as a real shop would) and clock times; pick drafts."""
        self.orders.sort(key=lambda o: (o.order_date, o.customer.id, o.sku))
        for i, order in enumerate(self.orders):
            order.id = f"ORD-{1001 + i}"
        for conv in self.convs:
            self.clock(conv, working_hours=True)
            if conv.steps[-1].time and conv.steps[-1].time > self.now:
                self.clock(conv, working_hours=False)  # the fitted gaps always fit
        dispute_convs = sorted((c for c in self.convs if c.dispute),
                               key=lambda c: (c.start, c.customer.id))
        for i, conv in enumerate(dispute_convs):
            assert conv.dispute is not None
            conv.dispute.id = f"D{i + 1:03d}"
        # A handful of the newest replies on live disputes are still drafts.
        live = [c for c in dispute_convs if c.steps[-1].direction == "out"
                and c.dispute and c.dispute.status in ("open", "escalated")]
        live.sort(key=lambda c: c.steps[-1].time or self.now, reverse=True)
        for conv in live[:5]:
            conv.steps[-1].draft = True
        return dispute_convs

    def clock(self, conv: _Conv, working_hours: bool) -> None:
        """Set message times; the shop answers between 08:00 and 23:59 (shop time)."""
        t = conv.start
        for s in conv.steps:
            t += dt.timedelta(minutes=s.gap)
            if working_hours and s.direction == "out" and t.hour < 8:
                # Night messages wait for the morning backlog.
                t = t.replace(hour=self.rng.randint(8, 10), minute=self.rng.randint(0, 59))
            s.time = t

    def render(self, conv: _Conv) -> None:
        customer, order, dispute = conv.customer, conv.order, conv.dispute
        amount_value: float | None = None
        if dispute and dispute.amount:
            amount_value = dispute.amount
        elif order:
            amount_value = order.value
        base = {
            "order": order.id if order else "",
            "tracking": (order.tracking or "") if order else "",
            "carrier": (order.carrier or "") if order else "",
            "product": conv.product.short if conv.product else "",
            "name": customer.call,
            "platform": dispute.platform if dispute else (order.platform if order else ""),
            "pk": "ค่ะ" if customer.female else "ครับ",
            "pkq": "คะ" if customer.female else "ครับ",
        }
        for s in conv.steps:
            lang = customer.lang if s.direction == "in" else conv.reply_lang
            if s.text is not None:
                template = s.text
            else:
                assert s.key is not None
                variants = TEXTS[lang][s.key]
                template = self.rng.choice((variants,) if isinstance(variants, str) else variants)
            if ("{tracking}" in template or "{carrier}" in template) and not base["tracking"]:
                raise AssertionError(f"text {s.key!r} needs a shipped order")
            ctx = _Missing(base)
            if order and amount_value is not None:
                ctx["amount"] = _fmt_money(amount_value, order.currency, lang)
            s.rendered = template.format_map(ctx)

    def tables(self) -> dict[str, pd.DataFrame]:
        dispute_convs = self.number_and_time()
        for conv in self.convs:
            self.render(conv)

        customers = [{
            "Customer ID": c.id, "Name": c.name, "Preferred Language": c.preferred,
            "Country": c.country, "Channel": c.channel, "Contact": c.contact,
            "Platform Handles": c.handles or None, "Tags": c.tags or None,
            "Notes": c.notes or None,
        } for c in CUSTOMERS]

        orders = [{
            "Order ID": o.id, "Customer ID": o.customer.id, "Platform": o.platform,
            "Order Date": o.order_date, "Product": o.product.name, "SKU": o.sku, "Qty": o.qty,
            "Order Value": o.value, "Currency": o.currency, "Shipping Cost": o.shipping_cost,
            "Product Cost": o.product_cost, "Carrier": o.carrier, "Tracking No": o.tracking,
            "Ship Date": o.ship_date, "Destination Country": o.customer.country,
            "Expected Delivery": o.expected, "Delivered Date": o.delivered, "Status": o.status,
            "Group Buy ID": o.group_buy,
        } for o in self.orders]

        messages = [(s.time, ci, si, conv, s) for ci, conv in enumerate(self.convs)
                    for si, s in enumerate(conv.steps)]
        messages.sort(key=lambda m: (m[0], m[1], m[2]))
        interactions = []
        for i, (time, _, _, conv, s) in enumerate(messages):
            out = s.direction == "out"
            interactions.append({
                "Interaction ID": f"I{i + 1:04d}", "Timestamp": time,
                "Customer ID": conv.customer.id, "Channel": conv.channel,
                "Direction": s.direction, "Handler": conv.handler if out else None,
                "Order ID": conv.order.id if conv.order else None,
                "Dispute ID": conv.dispute.id if conv.dispute else None,
                "Message": s.rendered, "Status": ("draft" if s.draft else "sent") if out else None,
            })

        disputes = []
        for conv in dispute_convs:
            d, order = conv.dispute, conv.order
            assert d is not None and order is not None
            sent = [s.time for s in conv.steps if s.direction == "out" and not s.draft]
            settled = d.status in schema.CLOSED_DISPUTE_STATUSES
            disputes.append({
                "Dispute ID": d.id, "Opened At": conv.steps[0].time,
                "Customer ID": conv.customer.id, "Order ID": order.id, "Platform": d.platform,
                "Platform Case ID": d.case_id,
                # The customer's own words, one message per line, as pasted from the chat.
                "Description": "\n".join(s.rendered for s in conv.steps
                                         if s.direction == "in" and s.key in DESCRIPTION_KEYS),
                "Type": d.type if "T" in d.typed else None,
                "Grade": d.grade if "G" in d.typed else None,
                "Status": d.status, "Handler": conv.handler,
                "Resolution": d.resolution if settled else None,
                "Resolution Amount": d.amount if settled else None,
                "First Response At": sent[0] if sent else None,
                "Resolved At": sent[-1] if settled else None,
                "CSAT": d.csat if settled else None, "Notes": d.notes,
            })

        return {
            "Customers": _frame("Customers", customers),
            "Orders": _frame("Orders", orders),
            "Interactions": _frame("Interactions", interactions),
            "Disputes": _frame("Disputes", disputes),
            "Evidence": _frame("Evidence", self.evidence(dispute_convs)),
        }

    def evidence(self, dispute_convs: list[_Conv]) -> list[dict[str, object]]:
        rng = self.rng
        rows: list[dict[str, object]] = []
        for conv in dispute_convs:
            d, order = conv.dispute, conv.order
            assert d is not None and order is not None and conv.steps[0].time is not None
            folder = f"evidence/{d.id}/"
            opened = conv.steps[0].time

            def add(kind: str, link: str, description: str, base: dt.datetime,
                    minutes: tuple[int, int] = (5, 180)) -> None:
                added = min(self.now, base + dt.timedelta(minutes=rng.randint(*minutes)))
                rows.append({"Dispute ID": d.id, "Kind": kind, "File or Link": link,
                             "Description": description, "Added At": added,
                             "Added By": conv.handler})

            photo = next((s for s in conv.steps if s.key == "photo_sent"), None)
            if photo is not None and photo.time is not None:
                for k, text in enumerate(PHOTO_DESCRIPTIONS[d.type][:rng.randint(1, 3)], 1):
                    add("photo", f"{folder}photo{k}.jpg", text, photo.time)
                if rng.random() < 0.3:
                    add("video", f"{folder}unboxing.mp4", "Customer's unboxing video", photo.time)
            if d.type in ("delivery_delay", "not_received", "customs") and order.tracking:
                add("shipping doc", f"https://t.17track.net/en#nums={order.tracking}",
                    f"{order.carrier} tracking history", opened)
            settled_or_working = d.status not in ("open", "waiting_customer")
            if d.type == "not_received" and settled_or_working:
                add("shipping doc", f"{folder}proof_of_delivery.pdf",
                    "Proof of delivery from the carrier", opened, (600, 2880))
            if d.type == "damaged" and settled_or_working:
                add("shipping doc", f"{folder}carrier_claim.pdf", "Carrier damage claim form",
                    opened, (600, 2880))
            if d.type == "quality_issue":
                add("receipt", f"{folder}store_receipt.jpg",
                    "Receipt from the official store (authenticity)", opened)
            if d.type == "wrong_item":
                add("other", f"{folder}packing_log.csv", "Warehouse packing log for the order",
                    opened)
            if d.type == "missing_parts":
                add("shipping doc", f"{folder}label_weight.jpg",
                    "Label weight vs. packed weight", opened)
            if d.type == "refund_not_processed":
                add("receipt", f"{folder}refund_confirmation.pdf",
                    "Refund confirmation from the payment provider", opened)
            if d.type == "customs" and settled_or_working:
                add("receipt", f"{folder}duties_receipt.jpg", "Duties receipt from the customer",
                    opened, (60, 1440))
            if d.type == "other":
                add("receipt", f"{folder}bank_statement.png",
                    "Customer's bank statement showing two charges", opened)
            threat = next((s for s in conv.steps
                           if s.key in ("threat_review", "threat_case")), None)
            if threat is not None and threat.time is not None:
                add("chat", f"{folder}chat_{threat.time:%Y%m%d}.png",
                    "Chat screenshot with the customer's threat", threat.time, (1, 60))
            if d.case_id:
                add("other", f"{folder}case_{d.case_id}.pdf", f"{d.platform} case summary",
                    threat.time if threat is not None and threat.time else opened, (30, 600))
        rows.sort(key=lambda r: (r["Added At"], r["Dispute ID"], r["File or Link"]))
        for i, row in enumerate(rows):
            row["Evidence ID"] = f"E{i + 1:03d}"
        return rows


def _frame(sheet_name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows -> a frame with exactly the sheet's user headers, keeping Python objects."""
    headers = [c.header for c in schema.SHEETS[sheet_name].user_columns]
    return pd.DataFrame([[row.get(h) for h in headers] for row in rows], columns=headers,
                        dtype=object)


def build_demo_tables(seed: int = 7, now: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """Demo tables for the user-data sheets of a small cross-border shop.

    ``now`` is a naive shop-local datetime (default 2025-06-30 12:00); every timestamp and
    date produced is at or before it. The same ``seed`` and ``now`` always give the same
    tables. Keys: Customers, Orders, Interactions, Disputes, Evidence; columns: the
    sheet's user headers in schema order; cells: plain Python values or ``None``.
    """
    if now is None:
        now = DEFAULT_NOW
    if now.tzinfo is not None:
        raise ValueError("now must be a naive (shop-local) datetime")
    builder = _Builder(random.Random(seed), now.replace(second=0, microsecond=0))
    group_buy = builder.group_buy()
    builder.disputes()
    builder.pinned(group_buy)
    builder.fill()
    builder.silent_orders()
    return builder.tables()
