"""Marketplace exports: Shopify, eBay, TikTok Shop and a generic CSV with a mapping."""

import datetime as dt

import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError, WorkbookError
from kakobuy_xl.importers import (dispute_type_of, import_file, load_mapping, read_shop_export,
                                  save_mapping)
from kakobuy_xl.importers.shops import money, status_of
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.schema import TABLE_SHEETS
from kakobuy_xl.settings import Settings

SHOPIFY = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Subtotal,"
    "Shipping,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,"
    "Billing Name,Shipping Country,Phone,Refunded Amount\n"
    "#1001,kim@example.com,paid,2025-05-11 09:56:00 -0400,fulfilled,2025-05-12 10:00:00 -0400,"
    "USD,45.00,5.00,50.00,2025-05-11 09:55:16 -0400,2,Snail Cream,15.00,00123,Kim Lee,"
    "United States,,\n"
    "#1001,kim@example.com,,,,,,,,,,1,Sheet Mask,15.00,SM-9,,,,\n"
    "#1002,ana@example.org,refunded,2025-05-13 08:00:00 -0400,,,USD,20.00,0.00,20.00,"
    "2025-05-13 07:59:00 -0400,1,\"Toner, 200ml\",20.00,TN-1,Ana Silva,Brazil,,20.00\n"
)

EBAY = (
    "\n"
    "Sales record number,Order number,Buyer username,Post to name,Post to phone,"
    "Post to country,Item title,Custom label,Quantity,Sold for,Postage and packaging,"
    "Total price,Sale date,Paid on date,Dispatched on date,Tracking number\n"
    "101,24-14934-88735,kim_88,Kim Lee,07700 900123,United Kingdom,,,,,£3.50,£33.50,"
    "Jul-25-24,Jul-25-24,,\n"
    "101,24-14934-88735,kim_88,Kim Lee,07700 900123,United Kingdom,Matcha Kit,MK-1,1,£20.00,"
    ",,Jul-25-24,Jul-25-24,,\n"
    "101,24-14934-88735,kim_88,Kim Lee,07700 900123,United Kingdom,Whisk,WH-2,2,£5.00,"
    ",,Jul-25-24,Jul-25-24,,\n"
    "102,24-00001-00002,bob,Bob,,United Kingdom,Tea,,x,£9.00,,£9.00,Jul-26-24,,,\n"
    "\n"
    "3 record(s) downloaded,from Jul-01-24 to Jul-31-24\n"
    "Seller ID : kakobuy_shop\n"
)

TIKTOK = (
    "\ufeffOrder ID,Order Status,Order Substatus,Cancelation/Return Type,SKU ID,Seller SKU,"
    "Product Name,Variation,Quantity,SKU Subtotal After Discount,Shipping Fee After Discount,"
    "Order Amount,Created Time,Paid Time,Tracking ID,Buyer Username,Recipient,Phone #,"
    "Country,Return Reason\n"
    "583870900000000001\t,จัดส่งแล้ว\t,,,1729\t,LIP-01\t,Lip Tint,Red,1,฿199.00,฿40.00,"
    "฿239.00,25/06/2025 14:03:11\t,25/06/2025 14:05:00\t,TH123\t,@nokky,Nok,0812345678,"
    "Thailand,\n"
    "583870900000000002\t,已完成\t,退款完成,Return/Refund,1730\t,LIP-02\t,Lip Balm,,2,฿100.00,"
    "฿0.00,฿100.00,26/06/2025 09:00:00\t,26/06/2025 09:01:00\t,,@nokky,Nok,0812345678,"
    "Thailand,Item damaged\n"
    "583870900000000003\t,Teleported\t,,,1731\t,LIP-03\t,Lip Oil,,1,฿50.00,฿0.00,฿50.00,"
    "27/06/2025 10:00:00\t,,,@mai,Mai,,Thailand,\n"
)


def empty_workbook() -> MemoryWorkbook:
    return MemoryWorkbook({s.name: pd.DataFrame(columns=list(s.headers)) for s in TABLE_SHEETS})


def workbook_with_customer(row: dict) -> MemoryWorkbook:
    sheets = {s.name: pd.DataFrame(columns=list(s.headers)) for s in TABLE_SHEETS}
    sheets["Customers"] = pd.DataFrame([row], columns=list(sheets["Customers"].columns))
    return MemoryWorkbook(sheets)


def test_shopify_one_row_per_line_item_order_fields_on_the_first():
    ex = read_shop_export("shopify", SHOPIFY.encode())
    o = ex.orders.set_index("order_id")
    assert list(o.index) == ["#1001", "#1002"]
    assert o.loc["#1001", "product"] == "2 x Snail Cream; Sheet Mask"
    assert o.loc["#1001", "sku"] == "00123; SM-9"  # text stays text
    assert o.loc["#1001", "qty"] == 3
    assert o.loc["#1001", "order_value"] == 50.0 and o.loc["#1001", "currency"] == "USD"
    assert o.loc["#1001", "status"] == "shipped"
    assert o.loc["#1001", "order_date"] == dt.datetime(2025, 5, 11, 9, 55, 16)
    assert o.loc["#1001", "lines"] == [2, 3]
    assert o.loc["#1002", "status"] == "refunded" and o.loc["#1002", "product"] == "Toner, 200ml"
    assert ex.problems.empty


def test_shopify_import_orders_customers_and_refund_dispute():
    wb = empty_workbook()
    from pathlib import Path
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "orders_export.csv"
        path.write_text(SHOPIFY, encoding="utf-8")
        r = import_file(wb, "shopify", path, settings=Settings())
        assert r.added == {"Customers": 2, "Orders": 2, "Disputes": 1}
        wb.save()
        again = import_file(wb, "shopify", path, settings=Settings())
    assert again.total_added == 0 and again.duplicates["Orders"] == 2
    orders = wb.sheets["Orders"]
    assert orders["Order ID"].tolist() == ["#1001", "#1002"]
    assert orders["Platform"].tolist() == ["Shopify", "Shopify"]
    assert orders["Order Date"].iloc[0] == dt.datetime(2025, 5, 11)
    assert orders["Destination Country"].tolist() == ["US", "BR"]
    d = wb.sheets["Disputes"].iloc[0]
    assert (d["Order ID"], d["Status"], d["Resolution"], d["Resolution Amount"]) == \
        ("#1002", "resolved", "full_refund", 20.0)
    cust = wb.sheets["Customers"]
    assert cust["Contact"].tolist() == ["kim@example.com", "ana@example.org"]
    assert cust["Channel"].tolist() == ["Shopify", "Shopify"]
    assert d["Customer ID"] == cust["Customer ID"].iloc[1]


def test_ebay_report_quirks():
    ex = read_shop_export("ebay", EBAY.encode())
    assert ex.header_line == 2  # a blank line comes first
    o = ex.orders.set_index("order_id")
    assert list(o.index) == ["24-14934-88735", "24-00001-00002"]
    first = o.loc["24-14934-88735"]
    # the summary line carries the totals, the item lines the products
    assert first["product"] == "Matcha Kit; 2 x Whisk" and first["qty"] == 3
    assert (first["order_value"], first["currency"], first["shipping_cost"]) == \
        (33.5, "GBP", 3.5)
    assert first["order_date"] == dt.datetime(2024, 7, 25)
    assert first["status"] == "paid" and first["handle"] == "kim_88"
    # "x" is no quantity: reported with its line, the order still comes in
    assert ex.problems["line"].tolist() == [6]
    assert "Quantity" in ex.problems["column"].iloc[0]
    assert o.loc["24-00001-00002", "status"] == "pending"


def test_tiktok_bom_trailing_tab_and_localised_status():
    ex = read_shop_export("tiktok", TIKTOK.encode("utf-8"), day_first=False)
    o = ex.orders.set_index("order_id")
    assert list(o.index) == ["583870900000000001", "583870900000000002", "583870900000000003"]
    assert o.loc["583870900000000001", "status"] == "shipped"  # Thai จัดส่งแล้ว
    assert o.loc["583870900000000002", "status"] == "delivered"  # Chinese 已完成
    assert pd.isna(o.loc["583870900000000003", "status"])
    # 25/06 decides day first even though the fallback says month first
    assert o.loc["583870900000000001", "order_date"] == dt.datetime(2025, 6, 25, 14, 3, 11)
    assert o.loc["583870900000000001", "order_value"] == 239.0
    assert o.loc["583870900000000001", "currency"] == "THB"
    assert o.loc["583870900000000001", "product"] == "Lip Tint (Red)"
    assert ex.problems["line"].tolist() == [4]
    assert "Teleported" in ex.problems["value"].tolist()


def test_tiktok_import_return_becomes_a_dispute_and_phone_matches(tmp_path):
    wb = workbook_with_customer({"Customer ID": "C001", "Name": "Nok", "Country": "TH",
                                 "Contact": "+66 81 234 5678"})
    path = tmp_path / "tiktok.csv"
    path.write_bytes(TIKTOK.encode("utf-8"))
    r = import_file(wb, "tiktok", path, settings=Settings())
    wb.save()
    orders = wb.sheets["Orders"]
    # 0812345678 in Thailand is +66812345678: the existing customer
    assert orders["Customer ID"].tolist()[:2] == ["C001", "C001"]
    assert orders["Order ID"].map(type).tolist() == [str, str, str]
    disputes = wb.sheets["Disputes"]
    assert len(disputes) == 1
    d = disputes.iloc[0]
    assert (d["Order ID"], d["Platform"], d["Type"], d["Status"]) == \
        ("583870900000000002", "TikTok Shop", "damaged", "resolved")
    assert "Item damaged" in d["Description"]
    assert r.problems["excel_row"].tolist() == [4]
    assert "Line 4 of 'tiktok.csv'" in r.problems["problem"].iloc[0]
    # one new customer (@mai), Nok matched twice but counted once
    assert r.added["Customers"] == 1 and r.duplicates["Customers"] == 1
    new = wb.sheets["Customers"].iloc[1]
    assert new["Platform Handles"] == "tiktok:@mai" and new["Channel"] == "TikTok Shop"


GENERIC = (
    "Ref;Buyer;Mail;Placed;Amount;Item;Case;Why\n"
    "A-1;Kim;kim@example.com;03/04/2025;1.234,50 EUR;Bag;PP-77;MERCHANDISE_OR_SERVICE_NOT_RECEIVED\n"
    "A-2;Ana;ana@example.org;05/04/2025;12,00 EUR;=HYPERLINK(\"http://evil\");;\n"
    "A-3;Bob;bob@example.org;yesterday;5 EUR;Pen;;\n"
)


def test_generic_csv_with_a_saved_mapping(tmp_path):
    mapping = {"Order ID": "Ref", "Name": "Buyer", "email": "Mail", "Order Date": "Placed",
               "Order Value": "Amount", "Product": "Item", "Platform Case ID": "Case",
               "Dispute Reason": "Why"}
    saved = save_mapping(tmp_path / "shop.mapping-paypal.json", mapping)
    loaded = load_mapping(saved)
    assert loaded["Email"] == "Mail"  # our header spelled as the contract does
    path = tmp_path / "paypal.csv"
    path.write_text(GENERIC, encoding="utf-8")
    wb = empty_workbook()
    r = import_file(wb, "csv", path, settings=Settings(date_order="DMY"), mapping=saved)
    wb.save()
    orders = wb.sheets["Orders"]
    assert orders["Order Value"].tolist() == [1234.5, 12.0, 5.0]
    assert orders["Currency"].tolist() == ["EUR"] * 3
    assert orders["Order Date"].tolist()[:2] == [dt.datetime(2025, 4, 3), dt.datetime(2025, 4, 5)]
    assert orders["Order Date"].iloc[2] is None
    # formula-looking text stays a string, never a formula
    assert orders["Product"].iloc[1] == '=HYPERLINK("http://evil")'
    assert isinstance(orders["Product"].iloc[1], str)
    d = wb.sheets["Disputes"]
    assert d["Type"].tolist() == ["not_received"] and d["Platform Case ID"].tolist() == ["PP-77"]
    assert r.problems["excel_row"].tolist() == [4]
    assert "yesterday" in r.problems["problem"].iloc[0]


def test_mapping_mistakes_are_config_errors(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(GENERIC, encoding="utf-8")
    with pytest.raises(ConfigError, match="'Favourite Colour'.*Use one of: Order ID"):
        import_file(empty_workbook(), "csv", path, settings=Settings(),
                    mapping={"Favourite Colour": "Ref"})
    with pytest.raises(ConfigError, match="'Order ID' is 'Number'.*found: Ref, Buyer"):
        read_shop_export("csv", path, {"Order ID": "Number"})
    with pytest.raises(ConfigError, match="no column for 'Order ID'"):
        read_shop_export("csv", path)
    bad = tmp_path / "m.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a JSON object"):
        load_mapping(bad)


def test_wrong_kind_of_export_and_malformed_lines(tmp_path):
    with pytest.raises(WorkbookError, match="does not look like an eBay Seller Hub orders "
                                            "report.*found: Name, Email"):
        read_shop_export("ebay", SHOPIFY.encode())
    extra = SHOPIFY + "#1003,x@example.com,paid,,,,,,,,,,,,,,,,,too,many,values\n,,,,,,,,,,,1,X\n"
    ex = read_shop_export("shopify", extra.encode())
    assert ex.problems["line"].tolist() == [5, 6]
    assert "has 22 values but the header (line 1) has 19 columns" in ex.problems["why"].iloc[0]
    assert "no order number" in ex.problems["why"].iloc[1]
    assert list(ex.orders["order_id"]) == ["#1001", "#1002"]


@pytest.mark.parametrize("reason,expected", [
    ("PRODUCT_NOT_RECEIVED", "not_received"), ("product_unacceptable", "quality_issue"),
    ("SIGNIFICANTLY_NOT_AS_DESCRIBED", "quality_issue"), ("CREDIT_NOT_PROCESSED",
                                                          "refund_not_processed"),
    ("FRAUDULENT", "other"), ("Wrong size sent", "wrong_item"), ("Parts missing", "missing_parts"),
    ("Held at customs", "customs"), ("Arrived late", "delivery_delay"), ("商品破损", "damaged"),
    ("Changed my mind", None),
])
def test_dispute_reasons_map_to_our_types(reason, expected):
    assert dispute_type_of(reason) == expected


def test_money_and_status_helpers():
    assert money("AU $12.50") == (12.5, "AUD")
    assert money("1.234,50 €") == (1234.5, "EUR")
    assert money("abc") == (None, None)
    assert status_of("运输中") == "in_transit" and status_of("In transit") == "in_transit"
    assert status_of("Delivered") == "delivered" and status_of("nonsense") is None
