"""Build a realistic synthetic kakobuy workbook for the benchmarks.

    python bench/make_workbook.py --rows 100000 --out /tmp/shop.xlsx
    python bench/make_workbook.py --rows 10000            # cached under bench/out/

The workbook is created with :func:`kakobuy_xl.io.create.create_workbook` and filled
through :meth:`FileWorkbook.append_rows` with a single :meth:`FileWorkbook.save`, so it
is exactly what the add-in itself writes. For ``rows`` = N it holds:

* N interactions (short messages in 12 languages, in conversation threads: inbound
  messages, then sent or draft replies minutes to hours later), over one year;
* max(50, N // 50) customers, max(100, N // 5) orders, max(20, N // 10) disputes and
  N // 20 evidence rows.

Every reference is consistent (an interaction's order and dispute belong to its
customer, a dispute's order to its customer, evidence to an existing dispute); values
have the Python type the schema asks for (datetime, date, int, float, str) and choice
columns only hold allowed values. Owned (computed) columns are left empty: the first
refresh fills them. Output is deterministic for a given (rows, seed).

Files are cached as ``bench/out/shop-r{rows}-s{seed}-v{GENERATOR_VERSION}-{contract}.xlsx``
(``contract`` hashes every sheet's columns), so a changed generator or schema rebuilds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from kakobuy_xl import schema
from kakobuy_xl.io.create import create_workbook
from kakobuy_xl.io.xlsx import FileWorkbook

#: Bump when the generated content changes, so cached files are rebuilt.
GENERATOR_VERSION = 1
OUT_DIR = Path(__file__).resolve().parent / "out"

#: The clock of every benchmark refresh; all generated data lies before it.
FIXED_NOW = dt.datetime(2025, 6, 30, 12, 0)
YEAR_START = FIXED_NOW - dt.timedelta(days=365)
_YEAR_SECONDS = int((FIXED_NOW - YEAR_START).total_seconds())

# --------------------------------------------------------------------------- vocabulary
# language -> (inbound messages, outbound replies, names, countries, channels, currency)
LANG = {
    "en": (
        ["Where is my order?", "My package still hasn't arrived, it's been 3 weeks.",
         "The item arrived damaged, the box was crushed.", "I received the wrong size.",
         "Can I get a refund please?", "Is this available in blue?",
         "Thanks, arrived today. Love it <3", "Tracking hasn't updated in 10 days!!",
         "I want to cancel my order.", "Can you change my shipping address?",
         "Parts are missing from the set.", "Quality is poor & the stitching came apart."],
        ["Hi! Your parcel is on its way, tracking: see link.",
         "Sorry about that, we will send a replacement today.",
         "Refund issued, please allow 3-5 business days.",
         "Could you send us a photo of the damage?"],
        ["Emily Carter", "James Smith", "Olivia Brown", "Noah Wilson", "Ava Taylor"],
        ["US", "GB", "AU", "CA"], ["Email", "Shopify", "eBay", "Instagram"], "USD"),
    "es": (
        ["¿Dónde está mi pedido?", "Mi paquete todavía no ha llegado.",
         "El producto llegó roto.", "Me enviaron la talla equivocada.",
         "Quiero un reembolso, por favor.", "¿Lo tienen en otro color?",
         "¡Gracias, llegó perfecto!", "El seguimiento no se actualiza desde hace días."],
        ["¡Hola! Su paquete está en camino.", "Lo sentimos, enviaremos un reemplazo.",
         "Reembolso realizado, gracias por su paciencia."],
        ["María García", "José Martínez", "Lucía Fernández", "Carlos López"],
        ["ES", "MX", "AR", "CO"], ["WhatsApp", "Instagram", "Shopify"], "EUR"),
    "fr": (
        ["Où est ma commande ?", "Mon colis n'est toujours pas arrivé.",
         "L'article est arrivé endommagé.", "Ce n'est pas le bon article.",
         "Je voudrais être remboursé.", "Merci, tout est parfait !",
         "Le suivi ne bouge plus depuis une semaine."],
        ["Bonjour, votre colis est en route.", "Désolé, nous renvoyons l'article.",
         "Remboursement effectué."],
        ["Camille Dubois", "Louis Martin", "Chloé Bernard", "Hugo Petit"],
        ["FR", "BE", "CH"], ["Email", "WhatsApp", "Shopify"], "EUR"),
    "de": (
        ["Wo ist meine Bestellung?", "Mein Paket ist immer noch nicht da.",
         "Die Ware kam beschädigt an.", "Falscher Artikel geliefert.",
         "Ich möchte mein Geld zurück.", "Danke, alles bestens!",
         "Die Sendungsverfolgung zeigt seit Tagen nichts Neues."],
        ["Hallo, Ihr Paket ist unterwegs.", "Entschuldigung, wir senden Ersatz.",
         "Die Erstattung ist veranlasst."],
        ["Lena Müller", "Jonas Schmidt", "Mia Schneider", "Felix Fischer"],
        ["DE", "AT", "CH"], ["Email", "eBay", "Shopify"], "EUR"),
    "it": (
        ["Dov'è il mio ordine?", "Il pacco non è ancora arrivato.",
         "L'articolo è arrivato rotto.", "Vorrei un rimborso.", "Grazie, tutto perfetto!"],
        ["Ciao, il pacco è in viaggio.", "Ci scusiamo, rimborso effettuato."],
        ["Giulia Rossi", "Marco Russo", "Sofia Bianchi"],
        ["IT"], ["WhatsApp", "Instagram", "eBay"], "EUR"),
    "pt": (
        ["Cadê meu pedido?", "Meu pacote ainda não chegou.", "O produto veio quebrado.",
         "Quero meu dinheiro de volta.", "Obrigado, chegou certinho!"],
        ["Olá! Seu pacote está a caminho.", "Desculpe, vamos reenviar o produto."],
        ["Ana Souza", "João Silva", "Beatriz Costa"],
        ["BR", "PT"], ["WhatsApp", "Instagram"], "BRL"),
    "ja": (
        ["注文した商品はいつ届きますか？", "まだ荷物が届いていません。", "商品が破損していました。",
         "サイズが違います。", "返金をお願いします。", "ありがとうございます、無事届きました！",
         "追跡番号が更新されません。"],
        ["お問い合わせありがとうございます。発送済みです。", "申し訳ございません。交換品を発送いたします。",
         "返金手続きが完了しました。"],
        ["佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健"],
        ["JP"], ["LINE", "Email", "Shopify"], "JPY"),
    "ko": (
        ["제 주문 어디쯤 왔나요?", "아직 택배를 못 받았어요.", "상품이 파손되어 왔어요.",
         "환불 부탁드립니다.", "잘 받았어요, 감사합니다!"],
        ["안녕하세요, 배송 중입니다.", "불편을 드려 죄송합니다. 교환해 드리겠습니다."],
        ["김민지", "이서준", "박지우"],
        ["KR"], ["KakaoTalk", "Instagram"], "KRW"),
    "zh": (
        ["我的订单到哪里了？", "包裹还没有收到。", "收到的商品坏了。", "发错货了。",
         "请给我退款。", "收到了，谢谢！", "物流信息一直没有更新。"],
        ["您好，您的包裹正在运输中。", "很抱歉，我们会给您补发。", "退款已处理。"],
        ["王芳", "李伟", "张敏", "刘洋"],
        ["CN", "TW", "HK", "SG"], ["WeChat", "Email"], "CNY"),
    "ru": (
        ["Где мой заказ?", "Посылка до сих пор не пришла.", "Товар пришёл повреждённым.",
         "Верните деньги, пожалуйста.", "Спасибо, всё получил!"],
        ["Здравствуйте, посылка в пути.", "Извините, мы отправим замену."],
        ["Анна Иванова", "Дмитрий Смирнов", "Ольга Кузнецова"],
        ["RU", "KZ"], ["Telegram", "Email"], "USD"),
    "ar": (
        ["أين طلبي؟", "لم يصل الطرد بعد.", "وصل المنتج تالفاً.", "أريد استرداد المبلغ.",
         "شكراً، وصل الطلب!"],
        ["مرحباً، طردك في الطريق.", "نعتذر، سنرسل بديلاً."],
        ["فاطمة علي", "محمد حسن", "نور أحمد"],
        ["SA", "AE", "EG"], ["WhatsApp", "Instagram"], "USD"),
    "th": (
        ["พัสดุของฉันอยู่ที่ไหนคะ", "ยังไม่ได้รับของเลยครับ", "สินค้าเสียหายค่ะ", "ขอคืนเงินได้ไหมคะ",
         "ได้รับของแล้ว ขอบคุณค่ะ"],
        ["สวัสดีค่ะ พัสดุกำลังจัดส่ง", "ขออภัยค่ะ เราจะส่งสินค้าใหม่ให้"],
        ["สมชาย ใจดี", "สุดารัตน์ แก้วมณี", "ณัฐพล ศรีสุข"],
        ["TH"], ["LINE", "TikTok Shop"], "THB"),
}
LANG_CODES = tuple(LANG)
LANG_WEIGHTS = (30, 10, 7, 7, 4, 6, 9, 5, 8, 4, 4, 6)
RATE = {"USD": 1.0, "EUR": 0.92, "BRL": 5.0, "JPY": 150.0, "KRW": 1350.0, "CNY": 7.2,
        "THB": 36.0}
ZERO_DECIMAL = {"JPY", "KRW"}
CHANNEL_PLATFORM = {"Shopify": "Shopify", "eBay": "eBay", "TikTok Shop": "TikTok Shop",
                    "Instagram": "Shopify", "Email": "Shopify"}
PLATFORM_CASE_PREFIX = {"eBay": "EB", "PayPal": "PP", "TikTok Shop": "TT",
                        "AliExpress": "AE", "Amazon": "AZ", "Shopify": "CB"}
PRODUCTS = [  # (name, sku, usd price, usd cost)
    ("Wireless earbuds", "EB-100", 39.9, 11.0), ("Phone case, clear", "PC-210", 12.5, 1.8),
    ("Silk scarf", "SC-330", 29.0, 7.5), ("Ceramic mug set (4)", "MG-404", 34.0, 9.0),
    ("LED desk lamp", "LD-512", 45.0, 14.0), ("Yoga mat", "YM-620", 27.5, 8.0),
    ("Running shoes", "RS-701", 79.0, 26.0), ("Mechanical keyboard", "KB-880", 89.0, 31.0),
    ("Skincare gift box", "SK-905", 55.0, 16.0), ("Anime figure, 20 cm", "AF-120", 64.0, 19.0),
    ("Hoodie, oversized", "HD-230", 42.0, 12.5), ("Travel backpack", "BP-340", 58.0, 18.0),
    ("Smart watch band", "WB-450", 15.0, 2.2), ("Tea sampler", "TS-560", 24.0, 6.0),
    ("Sneaker cleaning kit", "CK-670", 19.5, 4.1), ("Bluetooth speaker", "SP-780", 49.0, 15.5),
]
CARRIERS = ["DHL", "FedEx", "UPS", "YunExpress", "4PX", "Cainiao", "EMS", "Yanwen",
            "Japan Post", "USPS"]
HANDLERS = ["Mei", "Ana", "Tom", "Yuki", "Sara"]
TAGS = ["", "", "", "", "vip", "wholesale", "repeat", "influencer"]
EVIDENCE_TEXT = {"photo": "Photo of the damaged box", "chat": "Chat screenshot",
                 "shipping doc": "Carrier proof of delivery", "receipt": "Payment receipt",
                 "video": "Unboxing video", "other": "Customs declaration"}
NOTES = ["", "", "", "", "", "", "called back", "prefers e-mail", "asked for invoice"]


def contract_fingerprint() -> str:
    """Short hash of every sheet's headers and kinds: a changed contract means a new file."""
    text = repr([(s.name, [(c.header, c.kind, c.owned, c.choices) for c in s.columns])
                 for s in schema.TABLE_SHEETS])
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def default_path(rows: int, seed: int = 1) -> Path:
    """Where the cached workbook for (rows, seed) lives (keyed by generator and contract)."""
    return OUT_DIR / f"shop-r{rows}-s{seed}-v{GENERATOR_VERSION}-{contract_fingerprint()}.xlsx"


def _ts(rng: random.Random) -> dt.datetime:
    return YEAR_START + dt.timedelta(seconds=rng.randrange(_YEAR_SECONDS))


def _money(usd: float, currency: str) -> float:
    v = usd * RATE[currency]
    return float(round(v)) if currency in ZERO_DECIMAL else round(v, 2)


def _frame(sheet: schema.Sheet, cols: dict[str, list]) -> pd.DataFrame:
    """A DataFrame of header -> values (object dtype, so values keep their Python type)."""
    unknown = set(cols) - set(sheet.headers)
    assert not unknown, unknown
    owned = {c.header for c in sheet.owned_columns}
    assert not owned & set(cols), owned & set(cols)
    return pd.DataFrame({h: pd.Series(v, dtype=object) for h, v in cols.items()})


def generate(rows: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    """The synthetic tables, sheet name -> DataFrame of header -> value."""
    rng = random.Random(seed)
    n_cust = max(50, rows // 50)
    n_ord = max(100, rows // 5)
    n_disp = max(20, rows // 10)
    n_ev = rows // 20

    # ---------------------------------------------------------------- customers
    cust: dict[str, list] = {h: [] for h in (
        "Customer ID", "Name", "Preferred Language", "Country", "Channel", "Contact",
        "Platform Handles", "Tags", "Notes")}
    cust_lang, cust_country, cust_channel = [], [], []
    for i in range(n_cust):
        lang = rng.choices(LANG_CODES, LANG_WEIGHTS)[0]
        _in, _out, names, countries, channels, _cur = LANG[lang]
        country = rng.choice(countries)
        channel = rng.choice(channels)
        cid = f"C-{i + 1:05d}"
        handle = f"user{rng.randrange(10_000, 99_999)}"
        cust["Customer ID"].append(cid)
        cust["Name"].append(rng.choice(names))
        cust["Preferred Language"].append(lang if rng.random() < 0.85 else None)
        cust["Country"].append(country)
        cust["Channel"].append(channel)
        cust["Contact"].append(f"{handle}@example.com" if rng.random() < 0.7
                               else f"+{rng.randrange(10, 99)} {rng.randrange(10**8, 10**9)}")
        cust["Platform Handles"].append(
            rng.choice(["", f"ebay:{handle}", f"tiktok:@{handle}", f"ig:@{handle}"]) or None)
        cust["Tags"].append(rng.choice(TAGS) or None)
        cust["Notes"].append(rng.choice(NOTES) or None)
        cust_lang.append(lang)
        cust_country.append(country)
        cust_channel.append(channel)

    # ---------------------------------------------------------------- orders
    order_cols = ("Order ID", "Customer ID", "Platform", "Order Date", "Product", "SKU", "Qty",
                  "Order Value", "Currency", "Shipping Cost", "Product Cost", "Carrier",
                  "Tracking No", "Ship Date", "Destination Country", "Expected Delivery",
                  "Delivered Date", "Status", "Group Buy ID")
    orders: dict[str, list] = {h: [] for h in order_cols}
    orders_of: list[list[int]] = [[] for _ in range(n_cust)]
    order_cust, order_date, order_platform = [], [], []
    today = FIXED_NOW.date()
    for i in range(n_ord):
        c = rng.randrange(n_cust)
        orders_of[c].append(i)
        lang = cust_lang[c]
        currency = LANG[lang][5]
        name, sku, price, cost = rng.choice(PRODUCTS)
        qty = rng.choice((1, 1, 1, 1, 2, 2, 3))
        odate = _ts(rng).date()
        platform = CHANNEL_PLATFORM.get(cust_channel[c]) or rng.choice(
            ("Shopify", "AliExpress", "Amazon", "Direct", "PayPal", "Etsy"))
        ship = odate + dt.timedelta(days=rng.randint(0, 4))
        expected = ship + dt.timedelta(days=rng.randint(7, 25))
        transit = rng.randint(5, 35)
        delivered = ship + dt.timedelta(days=transit)
        r = rng.random()
        if r < 0.03:
            status, ship, expected, delivered = "cancelled", None, None, None
        elif ship > today:
            status = rng.choice(("pending", "paid", "processing"))
            ship, delivered = None, None
        elif delivered > today or r < 0.08:  # still travelling, or lost in transit
            status, delivered = rng.choice(("shipped", "in_transit")), None
        else:
            status = "delivered"
            if r < 0.11:
                status = rng.choice(("returned", "refunded"))
        orders["Order ID"].append(f"O-{i + 1:06d}")
        orders["Customer ID"].append(cust["Customer ID"][c])
        orders["Platform"].append(platform)
        orders["Order Date"].append(odate)
        orders["Product"].append(name)
        orders["SKU"].append(sku)
        orders["Qty"].append(qty)
        orders["Order Value"].append(_money(price * qty, currency))
        orders["Currency"].append(currency)
        orders["Shipping Cost"].append(_money(rng.choice((0.0, 4.9, 7.5, 12.0)), currency))
        orders["Product Cost"].append(_money(cost * qty, currency))
        orders["Carrier"].append(rng.choice(CARRIERS) if ship else None)
        orders["Tracking No"].append(
            f"{rng.choice('LRCU')}{rng.choice('ABXY')}{rng.randrange(10**8, 10**9)}CN"
            if ship else None)
        orders["Ship Date"].append(ship)
        orders["Destination Country"].append(cust_country[c])
        orders["Expected Delivery"].append(expected)
        orders["Delivered Date"].append(delivered)
        orders["Status"].append(status)
        orders["Group Buy ID"].append(f"GB-{rng.randrange(1, 400):04d}" if rng.random() < 0.05
                                      else None)
        order_cust.append(c)
        order_date.append(odate)
        order_platform.append(platform)

    # ---------------------------------------------------------------- disputes
    disp_cols = ("Dispute ID", "Opened At", "Customer ID", "Order ID", "Platform",
                 "Platform Case ID", "Description", "Type", "Grade", "Status", "Handler",
                 "Resolution", "Resolution Amount", "First Response At", "Resolved At", "CSAT",
                 "Notes")
    disp: dict[str, list] = {h: [] for h in disp_cols}
    disputes_of: list[list[int]] = [[] for _ in range(n_cust)]
    disp_opened = []
    for i in range(n_disp):
        o = rng.randrange(n_ord)
        c = order_cust[o]
        disputes_of[c].append(i)
        start = dt.datetime.combine(order_date[o], dt.time()) + dt.timedelta(
            days=rng.randint(3, 40), seconds=rng.randrange(86_400))
        opened = min(start, FIXED_NOW - dt.timedelta(hours=rng.randint(1, 200)))
        age_days = (FIXED_NOW - opened).days
        closed = age_days > 20 and rng.random() < 0.9 or rng.random() < 0.3
        status = rng.choice(("resolved", "closed")) if closed else rng.choice(
            ("open", "open", "waiting_customer", "awaiting_carrier", "escalated"))
        platform = order_platform[o]
        first = min(opened + dt.timedelta(minutes=rng.randint(5, 3000)), FIXED_NOW)
        responded = closed or rng.random() < 0.6
        resolved_at = None
        if closed:
            resolved_at = min(first + dt.timedelta(hours=rng.randint(1, 240)), FIXED_NOW)
        resolution = rng.choice(schema.RESOLUTIONS) if closed else None
        amount = None
        if resolution in ("full_refund", "partial_refund", "refund_on_return"):
            amount = round(orders["Order Value"][o] * (1.0 if resolution == "full_refund"
                                                        else rng.uniform(0.2, 0.6)), 2)
        disp["Dispute ID"].append(f"D-{i + 1:06d}")
        disp["Opened At"].append(opened)
        disp["Customer ID"].append(cust["Customer ID"][c])
        disp["Order ID"].append(orders["Order ID"][o])
        disp["Platform"].append(platform)
        disp["Platform Case ID"].append(
            f"{PLATFORM_CASE_PREFIX[platform]}-{rng.randrange(10**9, 10**10)}"
            if platform in PLATFORM_CASE_PREFIX and rng.random() < 0.6 else None)
        disp["Description"].append(rng.choice(LANG[cust_lang[c]][0]))
        disp["Type"].append(rng.choice(schema.DISPUTE_TYPES) if rng.random() < 0.6 else None)
        disp["Grade"].append(rng.choice(schema.GRADES) if rng.random() < 0.4 else None)
        disp["Status"].append(status)
        disp["Handler"].append(rng.choice(HANDLERS))
        disp["Resolution"].append(resolution)
        disp["Resolution Amount"].append(amount)
        disp["First Response At"].append(first if responded else None)
        disp["Resolved At"].append(resolved_at)
        disp["CSAT"].append(rng.randint(1, 5) if closed and rng.random() < 0.5 else None)
        disp["Notes"].append(rng.choice(NOTES) or None)
        disp_opened.append(opened)

    # ---------------------------------------------------------------- evidence
    ev_cols = ("Evidence ID", "Dispute ID", "Kind", "File or Link", "Description", "Added At",
               "Added By")
    ev: dict[str, list] = {h: [] for h in ev_cols}
    for i in range(n_ev):
        d = rng.randrange(n_disp)
        kind = rng.choice(schema.EVIDENCE_KINDS)
        did = disp["Dispute ID"][d]
        ext = {"photo": "jpg", "video": "mp4", "chat": "png"}.get(kind, "pdf")
        link = (f"evidence/{did}/{kind.replace(' ', '-')}-{i + 1}.{ext}" if rng.random() < 0.8
                else f"https://files.example.com/{did}/{i + 1}")
        ev["Evidence ID"].append(f"E-{i + 1:06d}")
        ev["Dispute ID"].append(did)
        ev["Kind"].append(kind)
        ev["File or Link"].append(link)
        ev["Description"].append(EVIDENCE_TEXT[kind])
        ev["Added At"].append(min(disp_opened[d] + dt.timedelta(hours=rng.randint(0, 96)),
                                  FIXED_NOW))
        ev["Added By"].append(rng.choice(HANDLERS + ["customer"]))

    # ---------------------------------------------------------------- interactions
    # Conversation threads: 1-3 inbound messages, then 0-2 replies (sent or draft).
    msgs: list[tuple] = []  # (timestamp, cust, channel, dir, handler, order, dispute, text, status)
    # A few customers talk a lot: pick threads with a skewed weight.
    cum, total = [], 0.0
    for _ in range(n_cust):
        total += rng.paretovariate(1.5)
        cum.append(total)
    customers = range(n_cust)
    while len(msgs) < rows:
        c = rng.choices(customers, cum_weights=cum)[0]
        lang = cust_lang[c]
        inbound, outbound = LANG[lang][0], LANG[lang][1]
        channel = cust_channel[c] if rng.random() < 0.8 else rng.choice(schema.CHANNELS)
        order = (orders["Order ID"][rng.choice(orders_of[c])]
                 if orders_of[c] and rng.random() < 0.6 else None)
        dispute = (disp["Dispute ID"][rng.choice(disputes_of[c])]
                   if disputes_of[c] and rng.random() < 0.25 else None)
        t = _ts(rng)
        for _ in range(rng.choice((1, 1, 2, 3))):
            msgs.append((t, c, channel, "in", None, order, dispute, rng.choice(inbound), None))
            t += dt.timedelta(seconds=rng.randrange(30, 1800))
        handler = rng.choice(HANDLERS)
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            t += dt.timedelta(seconds=rng.randrange(300, 36 * 3600))
            if t >= FIXED_NOW:
                break
            msgs.append((t, c, channel, "out", handler, order, dispute, rng.choice(outbound),
                         "draft" if rng.random() < 0.08 else "sent"))
    del msgs[rows:]
    msgs.sort(key=lambda m: m[0])
    inter = {
        "Interaction ID": [f"I-{i + 1:07d}" for i in range(len(msgs))],
        "Timestamp": [m[0].replace(microsecond=0) for m in msgs],
        "Customer ID": [cust["Customer ID"][m[1]] for m in msgs],
        "Channel": [m[2] for m in msgs],
        "Direction": [m[3] for m in msgs],
        "Handler": [m[4] for m in msgs],
        "Order ID": [m[5] for m in msgs],
        "Dispute ID": [m[6] for m in msgs],
        "Message": [m[7] for m in msgs],
        "Status": [m[8] for m in msgs],
    }
    return {
        "Customers": _frame(schema.CUSTOMERS, cust),
        "Orders": _frame(schema.ORDERS, orders),
        "Interactions": _frame(schema.INTERACTIONS, inter),
        "Disputes": _frame(schema.DISPUTES, disp),
        "Evidence": _frame(schema.EVIDENCE, ev),
    }


def build(path: Path, rows: int, seed: int = 1, verbose: bool = False) -> dict[str, float]:
    """Create ``path`` (must not exist) and fill it; returns timings in seconds."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    tables = generate(rows, seed)
    t1 = time.perf_counter()
    times["generate"] = t1 - t0
    create_workbook(path)
    t2 = time.perf_counter()
    times["create"] = t2 - t1
    wb = FileWorkbook(path)
    for name, frame in tables.items():
        kinds = {c.header: c.kind for c in schema.SHEETS[name].columns}
        wb.append_rows(name, frame, kinds)
    t3 = time.perf_counter()
    times["append"] = t3 - t2
    wb.save()
    times["save"] = time.perf_counter() - t3
    if verbose:
        counts = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
        print(f"generated {counts}", file=sys.stderr)
    return times


def make_workbook(path: str | os.PathLike[str] | None, rows: int, seed: int = 1, *,
                  verbose: bool = False) -> Path:
    """The synthetic workbook for (rows, seed), built once and cached under bench/out/.

    With ``path``, the cached file is copied there (replacing what is there); without,
    the cached file's own path is returned. Do not modify the cached file in place.
    """
    cached = default_path(rows, seed)
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmpdir = Path(tempfile.mkdtemp(prefix="build-", dir=cached.parent))
        try:
            tmp = tmpdir / cached.name
            times = build(tmp, rows, seed, verbose)
            os.replace(tmp, cached)  # the .bak.xlsx left by save() goes with tmpdir
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        if verbose:
            shown = " ".join(f"{k}={v:.2f}s" for k, v in times.items())
            size = cached.stat().st_size / 1e6
            print(f"built {cached.name} ({size:.1f} MB): {shown}", file=sys.stderr)
    elif verbose:
        print(f"reusing {cached}", file=sys.stderr)
    if path is None:
        return cached
    target = Path(path)
    if target.resolve() != cached.resolve():
        shutil.copyfile(cached, target)
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, required=True, help="number of interactions (N)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="copy the workbook here (default: the cache in bench/out/)")
    args = p.parse_args(argv)
    path = make_workbook(args.out, args.rows, args.seed, verbose=True)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
