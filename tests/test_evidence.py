"""Evidence files, checklists per platform and reason, and evidence packs."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kakobuy_xl import evidence as ev
from kakobuy_xl.errors import ConfigError, KakobuyError
from kakobuy_xl.nlp.cache import MemoryResultCache
from kakobuy_xl.schema import DISPUTE_TYPES, EVIDENCE_KINDS, PLATFORMS

ABC_SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def evidence_frame(paths, stored=None, dispute="D-1", kinds=None, descriptions=None):
    n = len(paths)
    return pd.DataFrame({
        "evidence_id": [f"E-{i + 1}" for i in range(n)],
        "dispute_id": [dispute] * n,
        "kind": kinds or ["photo"] * n,
        "file_or_link": paths,
        "description": descriptions or [None] * n,
        "added_at": [pd.Timestamp("2025-06-01 10:00")] * n,
        "sha_256": stored or [None] * n,
        "size": [None] * n, "exists": [None] * n, "verified": [None] * n,
    }, index=range(2, 2 + n))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "shop"
    (f / "photos").mkdir(parents=True)
    (f / "photos" / "a.jpg").write_bytes(b"abc")
    return f


# ----------------------------------------------------------------- file_status
def test_hash_size_exists_of_a_new_file(folder):
    status, problems = ev.file_status(evidence_frame(["photos/a.jpg"]), folder)
    assert problems == []
    assert status.loc[2].tolist() == [ABC_SHA, 3.0, "yes", "yes"]


def test_backslashes_and_copied_quotes_are_accepted(folder):
    status, problems = ev.file_status(
        evidence_frame(["photos\\a.jpg", '"photos\\a.jpg"', "./photos/../photos/a.jpg"]), folder)
    assert problems == []
    assert status["sha_256"].tolist() == [ABC_SHA] * 3


def test_absolute_paths_are_taken_as_given(folder, tmp_path):
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(b"abc")
    status, problems = ev.file_status(evidence_frame([str(outside)]), folder)
    assert problems == [] and status.loc[2, "sha_256"] == ABC_SHA


def test_first_seen_hash_is_kept_and_verified(folder):
    frame = evidence_frame(["photos/a.jpg"], stored=[ABC_SHA.upper()])
    status, _ = ev.file_status(frame, folder)
    assert status.loc[2, ["sha_256", "verified"]].tolist() == [ABC_SHA, "yes"]


def test_changed_file_keeps_first_hash_and_is_not_verified(folder):
    (folder / "photos" / "a.jpg").write_bytes(b"abcd")
    status, _ = ev.file_status(evidence_frame(["photos/a.jpg"], stored=[ABC_SHA]), folder)
    assert status.loc[2].tolist() == [ABC_SHA, 4.0, "yes", "no"]


def test_deleted_file_is_reported_as_gone(folder):
    (folder / "photos" / "a.jpg").unlink()
    status, problems = ev.file_status(
        evidence_frame(["photos/a.jpg", "photos/never.jpg"], stored=[ABC_SHA, None]), folder)
    assert problems == []
    assert status.loc[2, ["sha_256", "exists", "verified"]].tolist() == [ABC_SHA, "no", "no"]
    assert pd.isna(status.loc[2, "size"])
    assert status.loc[3, ["sha_256", "exists", "verified"]].tolist() == [None, "no", None]


def test_links_are_not_fetched(folder):
    status, problems = ev.file_status(
        evidence_frame(["https://track.example/123", "mailto:a@b.example", None, "  "]), folder)
    assert problems == []
    assert status["exists"].isna().all() and status["sha_256"].isna().all()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    s = tmp_path / "secret" / "id_key.txt"
    s.parent.mkdir()
    s.write_bytes(b"do not read")
    return s


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every file file_status hashes."""
    seen: list[Path] = []
    real = ev._sha256_file

    def spy(path: Path) -> str:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(ev, "_sha256_file", spy)
    return seen


def test_dotdot_escape_is_reported_and_not_read(folder, secret, reads):
    status, problems = ev.file_status(evidence_frame(["../secret/id_key.txt",
                                                      "photos\\..\\..\\secret\\id_key.txt"]),
                                      folder)
    assert reads == []
    assert status.isna().all().all()
    assert [p["excel_row"] for p in problems] == [2, 3]
    assert problems[0]["column"] == "File or Link"
    assert problems[0]["value"] == "../secret/id_key.txt"
    assert "'..'" in problems[0]["problem"] and problems[0]["fix"]


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_escape_is_reported_and_not_read(folder, secret, reads):
    (folder / "photos" / "b.jpg").symlink_to(secret)
    (folder / "docs").symlink_to(secret.parent, target_is_directory=True)
    (folder / "inside.jpg").symlink_to(folder / "photos" / "a.jpg")  # stays inside: fine
    status, problems = ev.file_status(
        evidence_frame(["photos/b.jpg", "docs/id_key.txt", str(folder / "photos" / "b.jpg"),
                        "inside.jpg"]), folder)
    assert [p["excel_row"] for p in problems] == [2, 3, 4]
    assert all("symlink" in p["problem"] for p in problems)
    assert status.loc[[2, 3, 4]].isna().all().all()
    assert status.loc[5, "sha_256"] == ABC_SHA
    assert reads == [(folder / "photos" / "a.jpg").resolve()]


def test_windows_drive_path_on_another_system_is_reported(folder):
    if os.name == "nt":
        pytest.skip("a drive path is valid on Windows")
    status, problems = ev.file_status(evidence_frame(["C:\\Users\\kim\\a.jpg"]), folder)
    assert status.loc[2].isna().all() and "Windows path" in problems[0]["problem"]


def test_cache_avoids_rereading_unchanged_files(folder, reads):
    cache = MemoryResultCache()
    frame = evidence_frame(["photos/a.jpg"])
    ev.file_status(frame, folder, cache)
    status, _ = ev.file_status(frame, folder, cache)
    assert len(reads) == 1 and status.loc[2, "sha_256"] == ABC_SHA
    target = folder / "photos" / "a.jpg"
    target.write_bytes(b"xyz")  # new size (and mtime): read again
    status, _ = ev.file_status(frame, folder, cache)
    assert len(reads) == 2 and status.loc[2, "sha_256"] == hashlib.sha256(b"xyz").hexdigest()


def test_garbage_in_the_hash_cell_is_reported(folder):
    status, problems = ev.file_status(evidence_frame(["photos/a.jpg"], stored=["oops"]), folder)
    assert status.loc[2, "sha_256"] == ABC_SHA
    assert problems[0]["column"] == "SHA-256"


# ----------------------------------------------------------------- checklists
def test_shipped_checklists_use_the_contract_values():
    c = ev.load_checklists()
    assert c["item_id"].is_unique
    assert (c["source"].str.len() > 0).all() and (c["source_date"].str.len() > 0).all()
    allowed = {p.casefold() for p in PLATFORMS} | {"*"}
    assert set(c["platform"].str.casefold()) <= allowed
    for types, kinds in zip(c["dispute_types"], c["kinds"]):
        assert set(types.split()) <= set(DISPUTE_TYPES) | {"*"}
        assert set(kinds.split("|")) <= set(EVIDENCE_KINDS)
    assert {"eBay", "PayPal", "Shopify", "TikTok Shop", "AliExpress", "*"} <= set(c["platform"])
    limits = ev.load_pack_limits().set_index("platform")
    assert limits.loc["Shopify", ["max_file_mb", "max_total_mb"]].tolist() == [2.0, 4.0]
    assert set(limits.loc["Shopify", "extensions"].split()) == {"pdf", "jpg", "jpeg", "png"}


def disputes_frame(rows):
    base = {"customer_id": None, "description": None, "status": "open", "type": None}
    return pd.DataFrame([{**base, **r} for r in rows], index=range(2, 2 + len(rows)))


ORDERS = pd.DataFrame({
    "order_id": ["O-US-800", "O-US-700", "O-GB-450", "O-GB-449"],
    "order_value": [800.0, 700.0, 450.0, 449.0],
    "currency": ["USD", "usd", "GBP", "GBP"],
    "destination_country": ["US", "US", "GB", "UK"],
}, index=range(2, 6))

SIGNATURE_USD = "Signature confirmation (eBay requires it for order totals of USD 750 or more)"
SIGNATURE_GBP = "Signature confirmation (eBay requires it for order totals of GBP 450 or more)"
TRACKING = ("Tracking from an eBay-integrated carrier showing delivered status, the delivery "
            "date and the buyer's address")


def test_ebay_item_not_received_and_the_signature_threshold():
    d = disputes_frame([
        {"dispute_id": f"D-{i}", "platform": "eBay", "type": "not_received", "order_id": o}
        for i, o in enumerate(["O-US-800", "O-US-700", "O-GB-450", "O-GB-449", "O-none"])])
    missing = ev.evidence_missing(d, None, ORDERS)
    assert missing.index.tolist() == d.index.tolist()
    assert missing[2].split("; ") == [TRACKING, SIGNATURE_USD,
                                      "Messages with the buyer through eBay"]
    assert SIGNATURE_USD not in missing[3] and TRACKING in missing[3]
    assert SIGNATURE_GBP in missing[4]
    assert "Signature" not in missing[5] and "Signature" not in missing[6]


def test_evidence_with_matching_kind_and_words_covers_items():
    d = disputes_frame([{"dispute_id": "D-1", "platform": "ebay", "type": "not_received",
                         "order_id": "o-us-800"}])
    e = evidence_frame(["t.pdf", "s.pdf", "c.png"], kinds=["shipping doc", "shipping doc", "chat"],
                       dispute=" d-1 ", descriptions=["USPS tracking: Delivered 3 June",
                                                      "Signed for by K. Lee", "chat export"])
    assert ev.evidence_missing(d, e, ORDERS)[2] == ""
    # A shipping doc without the words does not prove delivery; a missing file counts for nothing.
    e.loc[2, "description"] = "label printed"
    e.loc[4, "exists"] = "no"
    assert ev.evidence_missing(d, e, ORDERS)[2].split("; ") == [
        TRACKING, "Messages with the buyer through eBay"]


def test_closed_disputes_and_fallback_to_the_defaults():
    d = disputes_frame([
        {"dispute_id": "D-1", "platform": "eBay", "type": "not_received", "status": "resolved"},
        {"dispute_id": "D-2", "platform": "Amazon", "type": "damaged"},
        {"dispute_id": "D-3", "platform": None, "type": None, "type_auto": "customs"},
        {"dispute_id": "D-4", "platform": "Shopify", "type": "wrong_item"},
    ])
    missing = ev.evidence_missing(d, None, None)
    assert missing[2] == ""
    assert missing[3] == "Photos of the damage and of the packaging; Messages with the customer"
    assert missing[4].startswith("Customs declaration or duty receipt")
    assert missing[5].split("; ") == [
        "Product description as shown to the customer at purchase",
        "Refund or return policy as shown at checkout",
        "Receipt or order confirmation sent to the customer",
        "Customer communication (emails or chats about the order)"]


def test_checklists_can_be_passed_in():
    custom = pd.DataFrame([{"platform": "*", "reason": "", "dispute_types": "*",
                            "item_id": "x", "item": "A selfie with the parcel", "kinds": "photo",
                            "keywords": "", "min_amount": None, "currency": "", "country": "",
                            "source": "test", "source_date": "2025-01-01"}])
    d = disputes_frame([{"dispute_id": "D-1", "platform": "eBay", "type": "other"}])
    assert ev.evidence_missing(d, None, None, custom)[2] == "A selfie with the parcel"


# ----------------------------------------------------------------- packs
RECEIPT = b"%PDF-1.4 " + b"0" * 500_000


def pack_inputs(folder: Path, message: str = "Where is my parcel? It never arrived."):
    files = {"receipt.pdf": RECEIPT, "big.jpg": b"j" * 2_500_000,
             "phone.heic": b"h" * 10, "one.png": b"p" * 1_900_000, "two.png": b"q" * 1_900_000}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    disputes = disputes_frame([{"dispute_id": "D-1", "platform": "Shopify",
                                "platform_case_id": "CB-77", "order_id": "O-US-800",
                                "type": "not_received", "description": "Chargeback: not received"}])
    paths = ["receipt.pdf", "big.jpg", "phone.heic", "one.png", "two.png", "../outside.pdf",
             "https://track.example/1", "gone.pdf"]
    e = evidence_frame(paths, kinds=["receipt", "photo", "photo", "shipping doc", "photo",
                                     "photo", "shipping doc", "photo"],
                       descriptions=["order receipt", None, None, "delivered to door", None,
                                     None, None, None])
    inter = pd.DataFrame({
        "timestamp": [pd.Timestamp("2025-06-03 09:00"), pd.Timestamp("2025-06-02 08:00"),
                      pd.Timestamp("2025-06-04 10:00")],
        "direction": ["out", "in", "out"], "dispute_id": ["D-1", None, "D-1"],
        "order_id": [None, "O-US-800", None], "message": ["We are checking.", message, "draft"],
        "status": ["sent", None, "draft"]}, index=[2, 3, 4])
    return disputes, e, ORDERS, inter


def test_shopify_pack_respects_type_and_size_limits(folder, tmp_path):
    (tmp_path / "outside.pdf").write_bytes(b"secret")
    disputes, e, orders, inter = pack_inputs(folder)
    out = tmp_path / "packs" / "D-1.zip"
    result = ev.build_evidence_pack("d-1 ", disputes, e, orders, inter, folder, out)
    assert result.included == ["files/01_E-1_receipt.pdf", "files/02_E-4_one.png"]
    assert result.total_bytes == len(RECEIPT) + 1_900_000
    reasons = dict(result.skipped)
    assert "over Shopify's limit of 2 MB per file" in reasons["big.jpg"]
    assert "type .heic is not accepted by Shopify" in reasons["phone.heic"]
    assert "over Shopify's limit of 4 MB in all" in reasons["two.png"]
    assert "'..'" in reasons["../outside.pdf"]
    assert reasons["https://track.example/1"].startswith("link")
    assert reasons["gone.pdf"] == "file not found"
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        assert z.namelist() == sorted(z.namelist())
        assert set(z.namelist()) == {*result.included, "index.csv", "summary.pdf"}
        assert z.read("files/02_E-4_one.png") == b"p" * 1_900_000
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        index = list(csv.DictReader(io.StringIO(z.read("index.csv").decode("utf-8-sig"))))
    assert list(index[0]) == list(ev.INDEX_COLUMNS)
    assert [r["Included"] for r in index] == ["yes", "no", "no", "yes", "no", "no", "no", "no",
                                              "yes"]
    assert index[0]["SHA-256"] == hashlib.sha256(RECEIPT).hexdigest()
    assert index[3]["Size"] == "1900000" and index[3]["Added At"] == "2025-06-01 10:00"
    assert index[-1]["File"] == "summary.pdf"


def test_same_pack_twice_is_byte_identical(folder, tmp_path):
    disputes, e, orders, inter = pack_inputs(folder)
    a = ev.build_evidence_pack("D-1", disputes, e, orders, inter, folder, tmp_path / "a.zip")
    b = ev.build_evidence_pack("D-1", disputes, e, orders, inter, folder, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert a.index_rows == b.index_rows


def test_pack_as_a_folder(folder, tmp_path):
    disputes, e, orders, inter = pack_inputs(folder)
    out = tmp_path / "pack"
    result = ev.build_evidence_pack("D-1", disputes, e, orders, inter, folder, out,
                                    as_zip=False)
    written = sorted(str(p.relative_to(out)).replace(os.sep, "/")
                     for p in out.rglob("*") if p.is_file())
    assert written == sorted([*result.included, "index.csv", "summary.pdf"])
    with pytest.raises(ConfigError, match="not an empty folder"):
        ev.build_evidence_pack("D-1", disputes, e, orders, inter, folder, out, as_zip=False)


def test_summary_pdf_is_valid_and_holds_the_case(folder, tmp_path):
    disputes, e, orders, inter = pack_inputs(folder,
                                             message="Où est mon colis? 我的包裹在哪里")
    out = tmp_path / "D-1.zip"
    result = ev.build_evidence_pack("D-1", disputes, e, orders, inter, folder, out)
    with zipfile.ZipFile(out) as z:
        pdf = z.read("summary.pdf")
        index = z.read("index.csv").decode("utf-8-sig")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"D-1" in pdf and b"CB-77" in pdf
    # The Chinese characters cannot be shown in WinAnsi: replaced, and said so in the index.
    assert result.replaced_characters == 7
    assert "Latin-only" in index and "我的包裹在哪里" not in pdf.decode("latin-1")
    # The xref table points at every object.
    xref_at = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[xref_at:xref_at + 4] == b"xref"
    if shutil.which("pdftotext"):
        path = tmp_path / "summary.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "dispute D-1" in text and "Où est mon colis?" in text
        assert text.index("Où est mon colis") < text.index("We are checking.")
        assert "draft" not in text.split("Messages", 1)[1]
        assert "[ ] Shipping documentation" not in text  # delivered proof is there
        assert "[x] Shipping documentation" in text
        assert hashlib.sha256(RECEIPT).hexdigest() in text


def test_long_conversations_stay_within_two_pages(folder, tmp_path):
    disputes, e, orders, _ = pack_inputs(folder)
    inter = pd.DataFrame({"timestamp": pd.date_range("2025-06-01", periods=80, freq="h"),
                          "direction": ["in"] * 80, "dispute_id": ["D-1"] * 80,
                          "order_id": [None] * 80, "message": ["Still waiting " * 30] * 80,
                          "status": [None] * 80})
    ev.build_evidence_pack("D-1", disputes, e, orders, inter, folder, tmp_path / "p.zip")
    with zipfile.ZipFile(tmp_path / "p.zip") as z:
        pdf = z.read("summary.pdf")
    assert b"/Count 2" in pdf and b"limited to two pages" in pdf


def test_unknown_dispute_is_a_clear_error(folder, tmp_path):
    disputes, e, orders, inter = pack_inputs(folder)
    with pytest.raises(KakobuyError) as info:
        ev.build_evidence_pack("D-9", disputes, e, orders, inter, folder, tmp_path / "x.zip")
    assert str(info.value).startswith("Dispute 'D-9' is not on the Disputes sheet")
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_pack_never_copies_through_an_escaping_symlink(folder, tmp_path, secret):
    (folder / "evil.pdf").symlink_to(secret)
    disputes, _, orders, _ = pack_inputs(folder)
    e = evidence_frame(["evil.pdf"])
    result = ev.build_evidence_pack("D-1", disputes, e, orders, None, folder, tmp_path / "p.zip")
    assert result.included == [] and "symlink" in result.skipped[0][1]
    with zipfile.ZipFile(tmp_path / "p.zip") as z:
        assert b"do not read" not in b"".join(z.read(n) for n in z.namelist())


def test_evidence_root_follows_the_setting(tmp_path):
    from kakobuy_xl.evidence import evidence_root

    assert evidence_root("", tmp_path) == tmp_path
    assert evidence_root("proofs\\2025", tmp_path) == tmp_path / "proofs" / "2025"
    assert evidence_root(str(tmp_path / "abs"), None) == tmp_path / "abs"
    assert evidence_root("", None) is None and evidence_root("rel", None) is None
