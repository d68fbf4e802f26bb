"""Dispute dossier: content, escaping, determinism, verification and errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from kakobuy_xl.dossier import FORMAT, build_dossier, dossier_data
from kakobuy_xl.errors import ConfigError, KakobuyError, SheetNotFound
from kakobuy_xl.integrity import seal, verify_tables

KEY = b"seller key"
T = pd.Timestamp


def frame(rows: list[dict], start: int = 2) -> pd.DataFrame:
    f = pd.DataFrame(rows, index=range(start, start + len(rows)))
    for c in f.columns:
        if f[c].dtype != "datetime64[ns]" and f[c].dtype != float:
            f[c] = f[c].astype(object).where(f[c].notna(), None)
    return f


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    inter = frame([
        {"interaction_id": "I1", "timestamp": T("2025-06-03 09:00"), "customer_id": "C1",
         "channel": "WhatsApp", "direction": "in", "order_id": "O1", "dispute_id": "D1",
         "message": "La caja llegó rota <script>alert(1)</script>",
         "translation": "The box arrived broken <script>alert(1)</script>", "record_hash": None},
        {"interaction_id": "I2", "timestamp": T("2025-06-01 08:00"), "customer_id": "C1",
         "channel": "WhatsApp", "direction": "in", "order_id": "O1", "dispute_id": None,
         "message": "¿Dónde está mi pedido?", "translation": "Where is my order?",
         "record_hash": None},
        {"interaction_id": "I3", "timestamp": T("2025-06-03 10:00"), "customer_id": "C1",
         "channel": "WhatsApp", "direction": "out", "order_id": "O1", "dispute_id": "d1 ",
         "message": "Sorry! We will reship & refund shipping.", "translation": None,
         "record_hash": None},
        {"interaction_id": "I4", "timestamp": T("2025-06-04 10:00"), "customer_id": "C2",
         "channel": "Email", "direction": "in", "order_id": "O2", "dispute_id": "D2",
         "message": "another customer's private message", "translation": None,
         "record_hash": None},
    ])
    inter["record_hash"] = seal(inter, "Interactions")
    ev = frame([
        {"evidence_id": "E1", "dispute_id": "D1", "kind": "photo",
         "file_or_link": "photos/box <1>.jpg", "description": "crushed corner",
         "added_at": T("2025-06-03 09:05"), "added_by": "ann", "sha_256": "ab" * 32,
         "size": 2048.0, "exists": "yes", "verified": "yes", "record_hash": None},
        {"evidence_id": "E2", "dispute_id": "D2", "kind": "receipt", "file_or_link": "r.pdf",
         "description": None, "added_at": T("2025-06-04 11:00"), "added_by": None,
         "sha_256": None, "size": float("nan"), "exists": "no", "verified": None,
         "record_hash": None},
    ])
    ev["record_hash"] = seal(ev, "Evidence")
    disputes = frame([
        {"dispute_id": "D1", "opened_at": T("2025-06-03 09:10"), "customer_id": "C1",
         "order_id": "O1", "platform": "eBay", "platform_case_id": "5123-777",
         "description": "Box arrived crushed", "type": None, "type_auto": "damaged",
         "grade": "G2", "grade_auto": "G1", "status": "open", "resolution": "reship",
         "resolution_amount": 12.5, "recommended_resolution": "reship"},
        {"dispute_id": "D2", "opened_at": T("2025-06-04 11:00"), "customer_id": "C2",
         "order_id": "O2", "platform": "Shopify", "platform_case_id": None,
         "description": None, "type": "not_received", "type_auto": None, "grade": None,
         "grade_auto": None, "status": "open", "resolution": None,
         "resolution_amount": float("nan"), "recommended_resolution": None},
    ])
    orders = frame([{"order_id": "O1", "customer_id": "C1", "product": "Ceramic mug",
                     "order_value": 30.0, "currency": "EUR", "carrier": "DHL"}])
    customers = frame([{"customer_id": "C1", "name": "Lucía", "country": "ES",
                        "preferred_language": "es", "contact": "lucia@example.com"}])
    return {"Disputes": disputes, "Interactions": inter, "Evidence": ev, "Orders": orders,
            "Customers": customers}


def test_dossier_holds_the_dispute_timeline_and_evidence(tables, tmp_path: Path):
    path = build_dossier("D1", tables, tmp_path)
    assert path == tmp_path / "dossier-D1.html"
    data = json.loads((tmp_path / "dossier-D1.json").read_text(encoding="utf-8"))
    assert data["format"] == FORMAT
    d = data["dispute"]
    assert (d["dispute_id"], d["platform"], d["platform_case_id"], d["order_id"]) == \
        ("D1", "eBay", "5123-777", "O1")
    assert (d["type"], d["type_source"], d["grade"], d["grade_source"]) == \
        ("damaged", "auto", "G2", "user")
    assert (d["resolution"], d["resolution_amount"], d["currency"]) == ("reship", 12.5, "EUR")
    assert d["opened_at"] == "2025-06-03T09:10:00"
    assert data["customer"]["name"] == "Lucía"
    assert "contact" not in data["customer"]
    # sorted by time; the order's message without a dispute is included; D2's is not
    assert [m["interaction_id"] for m in data["messages"]] == ["I2", "I1", "I3"]
    assert [m["linked_by"] for m in data["messages"]] == ["order", "dispute", "dispute"]
    assert data["messages"][1]["translation"].startswith("The box arrived broken")
    assert data["messages"][0]["record_hash"] == tables["Interactions"].loc[3, "record_hash"]
    assert [e["evidence_id"] for e in data["evidence"]] == ["E1"]
    e = data["evidence"][0]
    assert (e["sha_256"], e["size"], e["exists"], e["verified"]) == ("ab" * 32, 2048, "yes", "yes")
    assert e["record_hash"].startswith("v1:1:00000000:")
    assert data["verification"]["status"] == "intact"
    assert data["verification"]["chain_heads"]["Interactions"] == \
        tables["Interactions"].loc[5, "record_hash"]

    page = path.read_text(encoding="utf-8")
    for text in ("¿Dónde está mi pedido?", "Where is my order?", "5123-777", "Ceramic mug",
                 "crushed corner", "ab" * 32, "reship &amp; refund shipping",
                 e["record_hash"], "intact"):
        assert text in page
    assert "another customer" not in page and "lucia@example.com" not in page
    assert page.index("¿Dónde") < page.index("La caja") < page.index("Sorry!")


def test_customer_text_never_becomes_markup(tables, tmp_path: Path):
    page = build_dossier("D1", tables, tmp_path).read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "photos/box &lt;1&gt;.jpg" in page
    assert "default-src 'none'" in page
    assert "http://" not in page and "https://" not in page  # no external assets


def test_output_is_byte_identical_twice(tables, tmp_path: Path):
    a = build_dossier("D1", tables, tmp_path / "a")
    b = build_dossier("D1", tables, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".json").read_bytes() == b.with_suffix(".json").read_bytes()
    assert b"Generated" not in a.read_bytes()
    c = build_dossier("D1", tables, tmp_path / "c", now=dt.datetime(2025, 6, 30, 12, 0))
    assert b"Generated 2025-06-30 12:00" in c.read_bytes()


def test_out_may_name_the_html_file(tables, tmp_path: Path):
    path = build_dossier(" d1", tables, tmp_path / "case.html")
    assert path == tmp_path / "case.html"
    assert json.loads((tmp_path / "case.json").read_text("utf-8"))["dispute"]["dispute_id"] == "D1"


def test_unknown_dispute_is_a_clear_error(tables, tmp_path: Path):
    with pytest.raises(ConfigError, match=r"Dispute 'D11' is not on the Disputes sheet "
                                          r"\(found 2: D1, D2\)\. Did you mean D1"):
        build_dossier("D11", tables, tmp_path)
    with pytest.raises(ConfigError, match=r"'X9' .*\(found 2: D1, D2\)\. Check the Dispute ID"):
        build_dossier("X9", tables, tmp_path)
    assert not list(tmp_path.iterdir())
    with pytest.raises(SheetNotFound):
        build_dossier("D1", {"Interactions": tables["Interactions"]}, tmp_path)


def test_tampering_shows_in_the_dossier(tables, tmp_path: Path):
    tables["Interactions"].loc[2, "message"] = "La caja llegó bien"
    data = dossier_data("D1", tables)
    v = data["verification"]
    assert v["status"] == "tampered"
    assert [(f["excel_row"], f["finding"]) for f in v["findings"]] == [(2, "edited")]
    states = {m["interaction_id"]: m["integrity"] for m in data["messages"]}
    assert states == {"I1": "edited", "I2": "sealed", "I3": "sealed"}
    page = build_dossier("D1", tables, tmp_path).read_text("utf-8")
    assert "tampered" in page and "was changed after it was sealed" in page


def test_findings_elsewhere_are_counted_not_shown(tables):
    tables["Interactions"].loc[5, "message"] = "edited elsewhere"
    v = dossier_data("D1", tables)["verification"]
    assert v["status"] == "intact"
    assert v["findings"] == []
    assert v["elsewhere"] == {"edited": 1}


def test_keyed_chain_needs_the_findings_made_with_the_key(tables):
    inter = tables["Interactions"]
    inter["record_hash"] = seal(inter.assign(record_hash=None), "Interactions", KEY)
    v = dossier_data("D1", tables)["verification"]
    assert v["status"] == "not verified"
    assert v["findings"][0]["finding"] == "wrong_key"
    with_key = verify_tables(tables, KEY)
    assert with_key.empty
    assert dossier_data("D1", tables, findings=with_key)["verification"]["status"] == "intact"
    assert dossier_data("D1", tables, findings=pd.DataFrame())["verification"]["status"] == \
        "intact"


def test_unsealed_rows_are_reported(tables):
    tables["Evidence"].loc[2, "record_hash"] = None
    tables["Evidence"] = tables["Evidence"].loc[[3, 2]].set_axis([2, 3])
    data = dossier_data("D1", tables)
    assert data["verification"]["status"] == "partly sealed"
    assert data["evidence"][0]["integrity"] == "unsealed"


def test_unknown_dispute_error_is_a_kakobuy_error(tables):
    with pytest.raises(KakobuyError):
        dossier_data("nope", {"Disputes": tables["Disputes"].iloc[:0]})
