"""WhatsApp chat exports: every header format, date order, multi-line, media, marks."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kakobuy_xl.errors import WorkbookError
from kakobuy_xl.importers import parse_whatsapp, read_whatsapp_zip

SHARED = Path(__file__).resolve().parents[2] / "shared"
CHATS = SHARED / "eval" / "chat_exports" / "whatsapp_chat_miner"

D = dt.datetime


@pytest.mark.parametrize("line,expected", [
    # Android, month first, 24 h
    ("12/24/19, 11:23 - John Doe: hi", D(2019, 12, 24, 11, 23)),
    # Android, 12 h with "p.m." and no comma
    ("9/24/2019 11:30 p.m. - John Doe: hi", D(2019, 9, 24, 23, 30)),
    # Spanish-style "p. m."
    ("11/27/2019 9:30 p. m. - John Doe: hi", D(2019, 11, 27, 21, 30)),
    # year first with a dot after the time
    ("2022/12/14, 13:34. - John Doe: hi", D(2022, 12, 14, 13, 34)),
    # iOS brackets with seconds and p.m.
    ("[13/10/22 11:37:00 p.m.] John Doe: hi", D(2022, 10, 13, 23, 37)),
    # iOS dots
    ("[10.21.21, 15:21:45] John Doe: hi", D(2021, 10, 21, 15, 21, 45)),
    # dashes in the date
    ("09-13-2022 10:37:00 PM - John Doe: hi", D(2022, 9, 13, 22, 37)),
    # 12 h: 12 AM is midnight, 12 PM is noon
    ("[1/13/23, 12:05:00 AM] John Doe: hi", D(2023, 1, 13, 0, 5)),
    ("[1/13/23, 12:05:00 PM] John Doe: hi", D(2023, 1, 13, 12, 5)),
    # real iOS: U+200E before the line, U+202F before PM
    ("\u200e[1/13/23, 9:05:07\u202fPM] John Doe: hi", D(2023, 1, 13, 21, 5, 7)),
])
def test_each_header_format(line, expected):
    p = parse_whatsapp(line)
    assert p.messages["timestamp"].tolist() == [expected]
    assert p.messages["author"].tolist() == ["John Doe"]
    assert p.messages["text"].tolist() == ["hi"]
    assert p.problems.empty


def test_a_day_above_12_decides_the_order():
    text = "03/04/21, 10:00 - A: x\n25/04/21, 10:00 - A: y"
    p = parse_whatsapp(text, day_first=False)  # the data wins over the fallback
    assert p.date_order == "DMY" and "line 2" in p.date_order_how
    assert p.messages["timestamp"].tolist() == [D(2021, 4, 3, 10), D(2021, 4, 25, 10)]
    p = parse_whatsapp("03/04/21, 10:00 - A: x\n04/25/21, 10:00 - A: y", day_first=True)
    assert p.date_order == "MDY"
    assert p.messages["timestamp"].tolist()[0] == D(2021, 3, 4, 10)


@pytest.mark.parametrize("day_first,expected", [(True, D(2021, 4, 3, 10)),
                                                (False, D(2021, 3, 4, 10))])
def test_ambiguous_dates_use_the_setting(day_first, expected):
    p = parse_whatsapp("03/04/21, 10:00 - A: x\n05/04/21, 10:00 - A: y", day_first=day_first)
    assert p.messages["timestamp"].iloc[0] == expected
    assert "no date has a number above 12" in p.date_order_how
    assert p.date_order == ("DMY" if day_first else "MDY")


def test_multi_line_messages_and_system_lines():
    text = ("12/24/14, 17:08 - +12 345 578 created group \"Shop: VIP\"\n"
            "12/24/14, 17:08 - Messages and calls are end-to-end encrypted. Tap to learn more.\n"
            "12/24/14, 17:09 - Kim: first line\n"
            "second line: with a colon\n"
            "\n"
            "12/24/14, 17:10 - Kim: next")
    p = parse_whatsapp(text)
    assert p.messages["text"].tolist() == ["first line\nsecond line: with a colon", "next"]
    assert p.messages["line"].tolist() == [3, 6]
    assert p.system["text"].tolist() == ['+12 345 578 created group "Shop: VIP"',
                                         "Messages and calls are end-to-end encrypted. Tap to "
                                         "learn more."]
    assert p.system["line"].tolist() == [1, 2]


def test_media_omitted_and_attached_names():
    text = ("1/13/23, 10:00 - Kim: <Media omitted>\n"
            "1/13/23, 10:01 - Kim: IMG-20230113-WA0001.jpg (file attached)\n"
            "box was crushed\n"
            "\u200e[1/13/23, 10:02:00] Kim: \u200e<attached: 00000012-PHOTO-2023-01-13.jpg>\n"
            "[1/13/23, 10:03:00] Kim: \u200eimage omitted\n"
            "1/13/23, 10:04 - Kim: see the (file attached) note")
    p = parse_whatsapp(text)
    assert p.messages["media"].tolist() == [None, "IMG-20230113-WA0001.jpg",
                                            "00000012-PHOTO-2023-01-13.jpg", None, None]
    assert p.messages["media_omitted"].tolist() == [True, False, False, True, False]
    assert p.messages["text"].iloc[1] == "IMG-20230113-WA0001.jpg (file attached)\nbox was crushed"


def test_invisible_marks_are_removed_from_authors_and_headers():
    text = ("\u200e[09/10/22, 10:37:00\u202fp.\u202fm.] \u202a+44 7700 900123\u202c: "
            "abnormal\u00a0unicode\n"
            "09/10/22, 10:37 p.\u00a0m. - John Doe \U0001F913: emoji \U0001F913")
    p = parse_whatsapp(text, day_first=True)
    assert p.messages["author"].tolist() == ["+44 7700 900123", "John Doe \U0001F913"]
    assert p.messages["text"].tolist() == ["abnormal unicode", "emoji \U0001F913"]
    assert p.messages["timestamp"].tolist() == [D(2022, 10, 9, 22, 37)] * 2


def test_malformed_lines_are_reported_with_their_number_and_skipped():
    text = ("stray text before the chat\n"
            "12/24/19, 11:23 - Kim: ok\n"
            "12/32/19, 11:24 - Kim: impossible day\n"
            "continuation of the bad one\n"
            "12/25/19, 09:00 - Kim: still imported")
    p = parse_whatsapp(text)
    assert p.messages["text"].tolist() == ["ok", "still imported"]
    assert p.problems["line"].tolist() == [1, 3]
    assert "before the first message" in p.problems["why"].iloc[0]
    assert "does not exist" in p.problems["why"].iloc[1]


def test_big_chat_parses_every_message():
    lines = []
    for i in range(50_000):
        lines.append(f"{i % 28 + 1}/{i % 12 + 1}/23, {i % 24}:{i % 60:02d} - P{i % 5}: m {i}"
                     if i % 4 else "a continuation line")
    p = parse_whatsapp("\n".join(lines))
    assert len(p.messages) == 37_500
    assert p.date_order == "DMY"
    assert p.messages["text"].iloc[2] == "m 3\na continuation line"
    assert p.problems["line"].tolist() == [1]  # the continuation before any message


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_reader_finds_the_chat_and_lists_media():
    data = _zip({"WhatsApp Chat with Kim.txt": "12/24/19, 11:23 - Kim: hi",
                 "IMG-20191224-WA0001.jpg": b"12345", "notes.txt": "not the chat",
                 "__MACOSX/._IMG.jpg": b"junk"})
    a = read_whatsapp_zip(data)
    assert a.chat_file == "WhatsApp Chat with Kim.txt"
    assert a.text.startswith("12/24/19")
    assert a.media == {"IMG-20191224-WA0001.jpg": 5, "notes.txt": 12}
    assert a.media_bytes("IMG-20191224-WA0001.jpg") == b"12345"


def test_zip_without_a_chat_is_refused_clearly():
    with pytest.raises(WorkbookError, match="holds no chat .txt file.*IMG-1.jpg"):
        read_whatsapp_zip(_zip({"IMG-1.jpg": b"x"}))
    with pytest.raises(WorkbookError, match="not a readable .zip"):
        read_whatsapp_zip(b"PK\x03\x04 broken")


@pytest.mark.skipif(not CHATS.is_dir(), reason="../shared/eval/chat_exports is absent")
@pytest.mark.parametrize("name", ["test_dateformat1", "test_dateformat2", "test_dateformat3",
                                  "test_dateformat4", "test_dateformat5", "test_dateformat6",
                                  "test_unicode"])
def test_shared_chat_miner_fixtures(name):
    p = parse_whatsapp((CHATS / f"{name}.txt").read_text(encoding="utf-8"), day_first=True)
    target = pd.read_csv(CHATS / f"{name}_target.csv")
    target = target[target["author"] != "System"]
    # chat-miner shows an empty "Name:." message as "<Disappearing Message>"; we keep ".".
    target = target[target["message"] != "<Disappearing Message>"]
    got = p.messages[p.messages["text"] != "."]
    expected = sorted(zip(pd.to_datetime(target["timestamp"]).dt.to_pydatetime().tolist(),
                          target["author"], target["message"].str.replace("\u00a0", " ")))
    found = sorted(zip(got["timestamp"], got["author"], got["text"].str.replace("\n", " ")))
    assert found == expected
    assert p.problems.empty


@pytest.mark.skipif(not CHATS.is_dir(), reason="../shared/eval/chat_exports is absent")
def test_shared_mixed_format_log_parses_every_line():
    p = parse_whatsapp((CHATS / "testlog_c7206c9.txt").read_text(encoding="utf-8"))
    assert p.problems.empty
    assert len(p.messages) == 17 and len(p.system) == 3
    assert p.messages["text"].iloc[-4] == "Testing dash - in message body"
