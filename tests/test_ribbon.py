"""The Excel ribbon (ribbon.xml): schema-valid customUI14 with the expected buttons.

Each button id names a Python function in kakobuy_xl/excel.py, run through the
VBA dispatcher sub KB_OnAction. Whether those functions exist is tested elsewhere.
"""

from __future__ import annotations

import copy
import keyword
from pathlib import Path

import pytest
from lxml import etree

RIBBON = Path(__file__).resolve().parents[1] / "ribbon.xml"
SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "customui14.xsd"
NS = "http://schemas.microsoft.com/office/2009/07/customui"
NSMAP = {"c": NS}

BUTTON_IDS = (
    # Analyse
    "refresh",
    "analyse_messages",
    "classify_disputes",
    # Service
    "sla_check",
    "suggest_replies",
    "translate_selection",
    # Proactive
    "delay_notices",
    "surveys",
    "risk_review",
    # Reports
    "dispute_report",
    "service_report",
    "monthly_report",
    # Data
    "import_data",
    "validate",
    "verify_records",
    # Help
    "show_help",
)

GROUPS = (
    ("grp_analyse", "Analyse", ("refresh", "analyse_messages", "classify_disputes")),
    ("grp_service", "Service", ("sla_check", "suggest_replies", "translate_selection")),
    ("grp_proactive", "Proactive", ("delay_notices", "surveys", "risk_review")),
    ("grp_reports", "Reports", ("dispute_report", "service_report", "monthly_report")),
    ("grp_data", "Data", ("import_data", "validate", "verify_records")),
    ("grp_help", "Help", ("show_help",)),
)


@pytest.fixture(scope="module")
def doc() -> etree._ElementTree:
    return etree.parse(str(RIBBON))


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not SCHEMA.is_file():
        pytest.skip(f"Office customUI14 schema not found at {SCHEMA}; cannot validate ribbon.xml")
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _buttons(tree) -> list:
    return tree.getroot().findall(".//c:button", NSMAP)


# (1) schema validity -------------------------------------------------------


def test_ribbon_validates_against_customui14_schema(doc, schema):
    assert doc.getroot().tag == f"{{{NS}}}customUI"
    ok = schema.validate(doc)
    assert ok, "\n".join(str(e) for e in schema.error_log)


# (2) the schema can actually fail -------------------------------------------


def test_schema_rejects_duplicate_id(doc, schema):
    bad = copy.deepcopy(doc)
    buttons = _buttons(bad)
    buttons[1].set("id", buttons[0].get("id"))
    assert not schema.validate(bad)
    # xsd:ID uniqueness: the repeated value is reported as an invalid ST_UniqueID.
    assert any("attribute 'id'" in str(e) for e in schema.error_log)


def test_schema_rejects_bad_size(doc, schema):
    bad = copy.deepcopy(doc)
    _buttons(bad)[0].set("size", "huge")
    assert not schema.validate(bad)
    assert any("attribute 'size'" in str(e) for e in schema.error_log)


# (3) every button is fully described ----------------------------------------


@pytest.mark.parametrize("attr", ["label", "screentip", "supertip", "imageMso"])
def test_every_button_has_text_attributes(doc, attr):
    missing = [b.get("id") for b in _buttons(doc) if not (b.get(attr) or "").strip()]
    assert not missing, f"buttons without {attr}: {missing}"


def test_every_button_uses_the_vba_dispatcher(doc):
    wrong = {b.get("id"): b.get("onAction") for b in _buttons(doc) if b.get("onAction") != "KB_OnAction"}
    assert not wrong, f"buttons not wired to KB_OnAction: {wrong}"


def test_first_button_of_each_group_is_large(doc):
    for group in doc.getroot().findall(".//c:group", NSMAP):
        first = group.find("c:button", NSMAP)
        assert first is not None and first.get("size") == "large", group.get("id")


# (4) the exact buttons, groups and tab ---------------------------------------


def test_button_ids_are_exactly_the_expected_list(doc):
    assert tuple(b.get("id") for b in _buttons(doc)) == BUTTON_IDS


def test_single_tab_and_groups_in_order(doc):
    tabs = doc.getroot().findall(".//c:tab", NSMAP)
    assert [(t.get("id"), t.get("label")) for t in tabs] == [("kakobuy_tab", "Kakobuy")]
    groups = tabs[0].findall("c:group", NSMAP)
    got = tuple(
        (g.get("id"), g.get("label"), tuple(b.get("id") for b in g.findall("c:button", NSMAP)))
        for g in groups
    )
    assert got == GROUPS
    assert tuple(i for _, _, ids in GROUPS for i in ids) == BUTTON_IDS


# (5) ids can be Python function names ---------------------------------------


@pytest.mark.parametrize("button_id", BUTTON_IDS)
def test_button_id_is_a_valid_python_identifier(button_id):
    assert button_id.isidentifier() and not keyword.iskeyword(button_id)
