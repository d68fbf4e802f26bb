"""import_file end to end: stable ids, matching, evidence, errors, a real .xlsx."""

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError, KakobuyError, WorkbookError
from kakobuy_xl.importers import IMPORT_KINDS, import_file
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.schema import TABLE_SHEETS
from kakobuy_xl.settings import Settings
from kakobuy_xl.validation import PROBLEM_COLUMNS

CHAT = (
    "\u200e[24/12/2024, 11:23:00] Kim Lee: hello, my order?\n"
    "[24/12/2024, 11:24:00] Shop KB: on its way\n"
    "\u200e[24/12/2024, 11:25:00] Kim Lee: \u200e<attached: 00000001-PHOTO-2024-12-24.jpg>\n"
    "[24/12/2024, 11:26:00] Kim Lee: =HYPERLINK(\"http://evil\",\"click\")\n"
    "and more\n"
    "[31/02/2024, 11:27:00] Kim Lee: impossible date\n"
    "[24/12/2024, 11:28:00] Kim Lee: ok\n"
    "[24/12/2024, 11:29:00] Kim Lee: ok\n"
)
PHOTO = b"\xff\xd8\xff photo"


def workbook(customers: list[dict] | None = None) -> MemoryWorkbook:
    sheets = {s.name: pd.DataFrame(columns=list(s.headers)) for s in TABLE_SHEETS}
    if customers:
        sheets["Customers"] = pd.DataFrame(customers, columns=list(sheets["Customers"].columns))
    return MemoryWorkbook(sheets)


def chat_zip(tmp_path, text: str = CHAT, media: dict | None = None):
    path = tmp_path / "WhatsApp Chat - Kim.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("_chat.txt", text)
        for name, data in (media if media is not None else
                           {"00000001-PHOTO-2024-12-24.jpg": PHOTO}).items():
            z.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def test_whatsapp_zip_import_and_reimport_appends_nothing(tmp_path):
    wb = workbook()
    path = chat_zip(tmp_path)
    stages = []
    r = import_file(wb, "whatsapp", path, settings=Settings(), me=["Shop KB"],
                    evidence_folder=tmp_path / "evidence", link_base=tmp_path,
                    progress=lambda stage, done, total: stages.append(stage))
    assert r.added == {"Customers": 1, "Interactions": 6, "Evidence": 1}
    assert {"read", "parse chat", "import chat", "append"} <= set(stages)
    wb.save()
    inter = wb.sheets["Interactions"]
    assert inter["Direction"].tolist() == ["in", "out", "in", "in", "in", "in"]
    assert inter["Handler"].tolist()[:2] == [None, "Shop KB"]
    cid = wb.sheets["Customers"]["Customer ID"].iloc[0]
    assert set(inter["Customer ID"]) == {cid}  # the reply belongs to the one customer
    assert inter["Timestamp"].iloc[0] == dt.datetime(2024, 12, 24, 11, 23)
    # formula-looking text stays text
    assert inter["Message"].iloc[3] == '=HYPERLINK("http://evil","click")\nand more'
    assert isinstance(inter["Message"].iloc[3], str)
    # two identical "ok" messages are two rows with two ids
    assert inter["Interaction ID"].is_unique and inter["Message"].tolist()[-2:] == ["ok", "ok"]
    ev = wb.sheets["Evidence"].iloc[0]
    assert ev["Kind"] == "photo" and ev["Added By"] == "Kim Lee"
    assert (tmp_path / ev["File or Link"]).read_bytes() == PHOTO
    # the impossible date: reported with its line number and the file name, skipped
    p = r.problems
    assert list(p.columns) == PROBLEM_COLUMNS
    assert p["excel_row"].tolist() == [6]
    assert "Line 6 of 'WhatsApp Chat - Kim.zip'" in p["problem"].iloc[0]
    assert "Dates read as DMY" in r.summary()

    again = import_file(wb, "whatsapp", path, settings=Settings(), me=["Shop KB"],
                        evidence_folder=tmp_path / "evidence", link_base=tmp_path)
    assert again.total_added == 0 and not wb.has_changes
    assert again.duplicates == {"Customers": 1, "Interactions": 6, "Evidence": 1}
    assert "nothing new" in again.summary()


def test_a_longer_export_of_the_same_chat_adds_only_the_new_messages(tmp_path):
    wb = workbook()
    import_file(wb, "whatsapp", chat_zip(tmp_path), settings=Settings())
    wb.save()
    longer = CHAT + "[25/12/2024, 09:00:00] Kim Lee: arrived, thanks!\n"
    txt = tmp_path / "chat.txt"
    txt.write_text(longer, encoding="utf-8")
    r = import_file(wb, "whatsapp", txt, settings=Settings())
    assert r.added["Interactions"] == 1 and r.added["Customers"] == 0
    # the .txt alone still names the media file in an Evidence row (already there)
    assert r.duplicates["Evidence"] == 1


def test_customer_matched_by_phone_written_two_ways(tmp_path):
    wb = workbook([{"Customer ID": "00123", "Name": "Kim", "Country": "GB",
                    "Contact": "07700 900123"}])
    text = ("[1/13/23, 10:00:00] \u202a+44 7700 900123\u202c: hi\n"
            "[1/13/23, 10:01:00] Shop: hello\n")
    path = tmp_path / "_chat.txt"
    path.write_text(text, encoding="utf-8")
    r = import_file(wb, "whatsapp", path, settings=Settings(), me=["Shop"])
    assert r.added["Customers"] == 0 and r.duplicates["Customers"] == 1
    wb.save()
    ids = wb.sheets["Interactions"]["Customer ID"].tolist()
    assert ids == ["00123", "00123"] and all(isinstance(i, str) for i in ids)


def test_new_phone_author_becomes_a_customer_with_e164_contact(tmp_path):
    wb = workbook()
    path = tmp_path / "chat.txt"
    path.write_text("12/24/19, 11:23 - +66 81 234 5678: สวัสดี\n", encoding="utf-8")
    import_file(wb, "whatsapp", path, settings=Settings())
    wb.save()
    c = wb.sheets["Customers"].iloc[0]
    assert (c["Contact"], c["Country"], c["Channel"], c["Name"]) == \
        ("+66812345678", "TH", "WhatsApp", None)


def test_customer_id_option_and_group_chats(tmp_path):
    wb = workbook([{"Customer ID": "C9", "Name": "Group buyer"}])
    text = ("12/24/19, 11:23 - Ann: me too\n12/24/19, 11:24 - Bo: and me\n"
            "12/24/19, 11:25 - Shop: noted\n")
    path = tmp_path / "group.txt"
    path.write_text(text, encoding="utf-8")
    import_file(wb, "whatsapp", path, settings=Settings(), me=["shop"], customer_id=" c9 ")
    wb.save()
    assert wb.sheets["Interactions"]["Customer ID"].tolist() == ["C9"] * 3
    with pytest.raises(ConfigError, match="Customer ID 'C404' is not on the Customers sheet"):
        import_file(workbook(), "whatsapp", path, settings=Settings(), customer_id="C404")
    # without a customer: one customer per author; the seller's reply has none
    wb2 = workbook()
    r = import_file(wb2, "whatsapp", path, settings=Settings(), me=["Shop"])
    wb2.save()
    assert r.added["Customers"] == 2
    assert wb2.sheets["Interactions"]["Customer ID"].iloc[2] is None


def test_no_author_is_me_is_a_warning(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("12/24/19, 11:23 - Ann: hi\n", encoding="utf-8")
    r = import_file(workbook(), "whatsapp", path, settings=Settings(), me=["Shopkeeper"])
    assert r.problems["severity"].tolist() == ["warning"]
    assert "No author of 'c.txt' is you" in r.problems["problem"].iloc[0]


def test_seller_name_setting_counts_as_me(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("12/24/19, 11:23 - Ann: hi\n12/24/19, 11:24 - Mina: hello\n",
                    encoding="utf-8")
    wb = workbook()
    import_file(wb, "whatsapp", path, settings=Settings(seller_name="Mina"))
    wb.save()
    assert wb.sheets["Interactions"]["Direction"].tolist() == ["in", "out"]


def test_errors_are_kakobuy_errors_with_clear_messages(tmp_path):
    wb = workbook()
    with pytest.raises(ConfigError, match="Unknown import kind 'fax'.*whatsapp, eml, mbox"):
        import_file(wb, "fax", tmp_path / "x", settings=Settings())
    with pytest.raises(WorkbookError, match="No file at"):
        import_file(wb, "whatsapp", tmp_path / "missing.txt", settings=Settings())
    with pytest.raises(WorkbookError, match="is a folder"):
        import_file(wb, "mbox", tmp_path, settings=Settings())
    with pytest.raises(WorkbookError, match="holds no chat .txt file"):
        import_file(wb, "whatsapp", _zip_without_chat(tmp_path), settings=Settings())
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\nnothing else", encoding="utf-8")
    with pytest.raises(WorkbookError, match="not a WhatsApp chat export.*just some notes"):
        import_file(wb, "whatsapp", notes, settings=Settings())
    with pytest.raises(ConfigError, match="Unknown channel"):
        import_file(wb, "whatsapp", notes, settings=Settings(), channel="Pigeon")
    assert not wb.has_changes
    assert set(IMPORT_KINDS) == {"whatsapp", "eml", "mbox", "shopify", "ebay", "tiktok", "csv"}


def _zip_without_chat(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("IMG-1.jpg", b"x")
    return path


def test_missing_key_column_and_missing_sheet(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("12/24/19, 11:23 - Ann: hi\n", encoding="utf-8")
    sheets = {s.name: pd.DataFrame(columns=list(s.headers)) for s in TABLE_SHEETS}
    sheets["Interactions"] = sheets["Interactions"].drop(columns=["Interaction ID"])
    with pytest.raises(WorkbookError, match="Sheet 'Interactions' has no column "
                                            "'Interaction ID'"):
        import_file(MemoryWorkbook(sheets), "whatsapp", path, settings=Settings())
    del sheets["Interactions"]
    with pytest.raises(KakobuyError, match="no sheet 'Interactions'"):
        import_file(MemoryWorkbook(sheets), "whatsapp", path, settings=Settings())


def test_import_into_a_real_xlsx_keeps_text_as_text(shop_path, tmp_path):
    from kakobuy_xl.io.xlsx import FileWorkbook

    wb = FileWorkbook(shop_path)
    r = import_file(wb, "whatsapp", chat_zip(tmp_path), settings=Settings(), me=["Shop KB"])
    assert r.added["Interactions"] == 6
    wb.save()
    back = FileWorkbook(shop_path).read_table("Interactions").frame
    assert back["Message"].tolist()[3] == '=HYPERLINK("http://evil","click")\nand more'
    assert back["Timestamp"].iloc[0] == dt.datetime(2024, 12, 24, 11, 23)
    again = import_file(FileWorkbook(shop_path), "whatsapp", chat_zip(tmp_path),
                        settings=Settings(), me=["Shop KB"])
    assert again.total_added == 0
