"""E-mail: .eml files and .mbox archives, parsed and imported."""

import datetime as dt
from email.message import EmailMessage

import pandas as pd
import pytest

from kakobuy_xl.importers import html_to_text, import_file, parse_eml, parse_mbox
from kakobuy_xl.importers.mail import split_mbox, strip_quoted
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.schema import TABLE_SHEETS
from kakobuy_xl.settings import Settings


def empty_workbook() -> MemoryWorkbook:
    return MemoryWorkbook({s.name: pd.DataFrame(columns=list(s.headers)) for s in TABLE_SHEETS})


def mail(sender: str, to: str, subject: str, body: str, date: str, msgid: str,
         attachment: tuple[str, bytes] | None = None, html: str | None = None) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Date"], m["Message-ID"] = sender, to, subject, date, msgid
    if body:
        m.set_content(body)
    if html:
        if body:
            m.add_alternative(html, subtype="html")
        else:
            m.set_content(html, subtype="html")
    if attachment:
        m.add_attachment(attachment[1], maintype="image", subtype="jpeg", filename=attachment[0])
    return bytes(m)


PHOTO = b"\xff\xd8\xff fake jpeg bytes"
KIM = mail("Kim Lee <Kim@Example.com>", "shop@example.net", "Parcel damaged",
           "The box arrived crushed.\n\nOn Mon, 2 Jun 2025 Shop wrote:\n> Your parcel shipped\n",
           "Tue, 03 Jun 2025 10:15:00 +0200", "<m1@example.com>", ("box.jpg", PHOTO))


def test_eml_with_attachment(tmp_path):
    m = parse_eml(KIM)
    assert (m.sender, m.sender_name, m.subject) == ("kim@example.com", "Kim Lee", "Parcel damaged")
    assert m.date == dt.datetime(2025, 6, 3, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert m.body.startswith("The box arrived crushed.")
    assert [(a.name, a.size, a.saved) for a in m.attachments] == [("box.jpg", len(PHOTO), None)]
    saved = parse_eml(KIM, save_to=tmp_path).attachments[0].saved
    assert saved is not None and saved.read_bytes() == PHOTO and saved.parent.parent == tmp_path


def test_html_only_mail_becomes_text():
    raw = mail("a@example.com", "b@example.com", "Hi", "", "Tue, 03 Jun 2025 10:15:00 +0000",
               "<h@x>", html="<html><style>p {color:red}</style><p>Where is&nbsp;my "
                             "<b>order</b>?</p><p>Thanks</p></html>")
    assert parse_eml(raw).body == "Where is my order?\n\nThanks"
    assert html_to_text("<div>a<br>b</div>") == "a\nb"


def test_quoted_reply_is_dropped():
    assert strip_quoted("New text\n\nOn Mon, 2 Jun 2025 Shop wrote:\n> old\n> older\n") == \
        "New text"
    assert strip_quoted("> only a quote") == "> only a quote"


def _mbox(*mails: bytes) -> bytes:
    out = b""
    for i, m in enumerate(mails):
        out += f"From sender{i}@example.com Sat Jan  3 01:05:34 2025\n".encode()
        body = b"\n".join(b">" + ln if ln.startswith(b"From ") else ln
                          for ln in m.replace(b"\r\n", b"\n").split(b"\n"))
        out += body.rstrip(b"\n") + b"\n\n"
    return out


def test_mbox_with_three_mails(tmp_path):
    second = mail("shop@example.net", "Kim Lee <kim@example.com>", "Re: Parcel damaged",
                  "Sorry! From now on we pack better.", "Tue, 03 Jun 2025 12:00:00 +0200",
                  "<m2@example.net>")
    third = mail("Ana <ana@example.org>", "shop@example.net", "Pedido",
                 "¿Dónde está mi pedido?", "Wed, 04 Jun 2025 08:00:00 -0300", "<m3@example.org>")
    data = _mbox(KIM, second, third)
    starts = [line for line, _ in split_mbox(data)]
    assert len(starts) == 3 and starts[0] == 1
    parsed = parse_mbox(data)
    assert [m.sender for m in parsed.messages] == ["kim@example.com", "shop@example.net",
                                                   "ana@example.org"]
    assert [m.line for m in parsed.messages] == starts
    # the mboxrd escape ">From" inside a body is undone
    assert parsed.messages[1].body == "Sorry! From now on we pack better."
    assert parsed.problems.empty


def test_mbox_import_directions_customers_evidence_and_reimport(tmp_path):
    second = mail("Shop <shop@example.net>", "Kim Lee <kim@example.com>", "Re: Parcel damaged",
                  "We will send a new one.", "Tue, 03 Jun 2025 12:00:00 +0200",
                  "<m2@example.net>")
    third = mail("Kim <KIM@example.com>", "shop@example.net", "Thanks", "=SUM(A1:A9) thanks!",
                 "Wed, 04 Jun 2025 08:00:00 +0200", "<m3@example.com>")
    box = tmp_path / "shop.mbox"
    box.write_bytes(_mbox(KIM, second, third))
    wb = empty_workbook()
    settings = Settings(time_zone="Europe/Berlin")
    r = import_file(wb, "mbox", box, settings=settings, me=["shop@example.net"],
                    evidence_folder=tmp_path / "evidence", link_base=tmp_path)
    assert r.added == {"Customers": 1, "Interactions": 3, "Evidence": 1}
    wb.save()
    inter = wb.sheets["Interactions"]
    assert inter["Direction"].tolist() == ["in", "out", "in"]
    assert inter["Channel"].tolist() == ["Email"] * 3
    assert inter["Handler"].tolist() == [None, "Shop", None]
    assert inter["Status"].tolist() == [None, "sent", None]
    # one customer for all three mails, whatever the case of the address
    cust = wb.sheets["Customers"]
    assert cust["Contact"].tolist() == ["kim@example.com"] and cust["Name"].tolist() == ["Kim Lee"]
    assert set(inter["Customer ID"]) == {cust["Customer ID"].iloc[0]}
    # times in the shop's zone (Berlin, +02:00 in June), without tzinfo
    assert inter["Timestamp"].iloc[0] == dt.datetime(2025, 6, 3, 10, 15)
    # subject + new text only; a formula-looking text stays a string
    assert inter["Message"].iloc[0] == "Parcel damaged\n\nThe box arrived crushed."
    assert inter["Message"].iloc[2] == "Thanks\n\n=SUM(A1:A9) thanks!"
    assert isinstance(inter["Message"].iloc[2], str)
    ev = wb.sheets["Evidence"]
    assert ev["Kind"].tolist() == ["photo"]
    link = ev["File or Link"].iloc[0]
    assert link.startswith("evidence/") and link.endswith("/box.jpg")
    assert (tmp_path / link).read_bytes() == PHOTO
    again = import_file(wb, "mbox", box, settings=settings, me=["shop@example.net"],
                        evidence_folder=tmp_path / "evidence", link_base=tmp_path)
    assert again.total_added == 0 and not wb.has_changes
    assert again.duplicates == {"Customers": 1, "Interactions": 3, "Evidence": 1}


def test_eml_import_and_unreadable_mail_in_mbox(tmp_path):
    eml = tmp_path / "kim.eml"
    eml.write_bytes(KIM)
    wb = empty_workbook()
    r = import_file(wb, "eml", eml, settings=Settings(), me=["shop@example.net"])
    assert r.added["Interactions"] == 1 and r.added["Evidence"] == 1
    wb.save()
    # without an evidence folder the row names the attachment only
    assert wb.sheets["Evidence"]["File or Link"].tolist() == ["box.jpg"]
    box = tmp_path / "mixed.mbox"
    box.write_bytes(_mbox(KIM) + b"From nobody Sat Jan  3 01:05:34 2025\n"
                    b"garbled: \xff\xfe not a mail\n")
    r = import_file(wb, "mbox", box, settings=Settings())
    assert r.duplicates["Interactions"] == 1
    assert r.problems["excel_row"].tolist() == [starts_of(box)[1]]
    assert "mixed.mbox" in r.problems["problem"].iloc[0]


def starts_of(path):
    return [line for line, _ in split_mbox(path.read_bytes())]


def test_bad_date_is_reported_and_mail_still_imported(tmp_path):
    raw = KIM.replace(b"Tue, 03 Jun 2025 10:15:00 +0200", b"sometime last week")
    m = parse_eml(raw)
    assert m.date is None and "cannot be read" in m.problems[0]
    eml = tmp_path / "x.eml"
    eml.write_bytes(raw)
    wb = empty_workbook()
    r = import_file(wb, "eml", eml, settings=Settings())
    assert r.added["Interactions"] == 1
    assert "sometime last week" in r.problems["problem"].iloc[0]


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_eml_is_refused(tmp_path, data):
    from kakobuy_xl.errors import WorkbookError

    eml = tmp_path / "empty.eml"
    eml.write_bytes(data)
    with pytest.raises(WorkbookError, match="empty.eml' is empty"):
        import_file(empty_workbook(), "eml", eml, settings=Settings())
