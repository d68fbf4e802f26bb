"""Record hash chain: sealing, and verification of edits, deletions, insertions, moves."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl.errors import ConfigError, KakobuyError
from kakobuy_xl.integrity import (
    COVERED, FINDING_COLUMNS, as_problems, chain_head, record_contents, seal, summary, verify,
    verify_tables,
)
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.schema import SHEETS
from kakobuy_xl.settings import Settings
from kakobuy_xl.validation import PROBLEM_COLUMNS, coerce_table

KEY = b"seller secret"


def interactions(n: int = 5) -> pd.DataFrame:
    """A typed Interactions frame (snake_case columns, index = Excel row)."""
    f = pd.DataFrame({
        "interaction_id": [f"I{i}" for i in range(1, n + 1)],
        "timestamp": pd.to_datetime([f"2025-06-0{1 + i % 9} 10:0{i % 10}" for i in range(n)]),
        "customer_id": ["C1"] * n,
        "channel": ["WhatsApp"] * n,
        "direction": ["in" if i % 2 == 0 else "out" for i in range(n)],
        "handler": [None] * n,
        "order_id": ["O1"] * n,
        "dispute_id": ["D1"] * n,
        "message": [f"message number {i}" for i in range(1, n + 1)],
        "status": [None] * n,
        "sentiment": [0.1] * n,
        "record_hash": [None] * n,
    }, index=range(2, 2 + n))
    f["handler"] = f["handler"].astype(object)
    f["status"] = f["status"].astype(object)
    f["record_hash"] = f["record_hash"].astype(object)
    return f


def sealed(n: int = 5, key: bytes | None = None) -> pd.DataFrame:
    f = interactions(n)
    f["record_hash"] = seal(f, "Interactions", key)
    return f


def renumber(f: pd.DataFrame) -> pd.DataFrame:
    """What the sheet looks like after rows were deleted, inserted or moved."""
    f = f.copy()
    f.index = range(2, 2 + len(f))
    return f


def findings(f: pd.DataFrame, key: bytes | None = None) -> list[tuple[int, str]]:
    v = verify(f, "Interactions", key)
    return list(zip(v["excel_row"].tolist(), v["finding"].tolist()))


# ------------------------------------------------------------------ sealing
def test_seal_then_verify_is_intact():
    f = sealed()
    hashes = f["record_hash"].tolist()
    assert [h.split(":")[:2] for h in hashes] == [["v1", str(i)] for i in range(1, 6)]
    assert hashes[0].split(":")[2] == "00000000"
    # each record names the digest of the one before it
    for prev, cur in zip(hashes, hashes[1:]):
        assert cur.split(":")[2] == prev.split(":")[3][:8]
    v = verify(f, "Interactions")
    assert list(v.columns) == FINDING_COLUMNS
    assert v.empty
    assert summary(v).startswith("Intact")


def test_seal_returns_a_series_indexed_like_the_frame():
    f = interactions(3)
    out = seal(f, "Interactions")
    assert out.name == "record_hash"
    assert out.index.tolist() == [2, 3, 4]


def test_seal_is_idempotent_and_deterministic():
    f = sealed()
    again = seal(f, "Interactions")
    assert again.tolist() == f["record_hash"].tolist()
    assert seal(interactions(), "Interactions").tolist() == f["record_hash"].tolist()


def test_seal_never_reseals_an_edited_row():
    f = sealed()
    before = f["record_hash"].tolist()
    f.loc[3, "message"] = "rewritten"
    assert seal(f, "Interactions").tolist() == before
    assert findings(f) == [(3, "edited")]


def test_new_rows_appended_after_sealing_are_sealed_and_chain_on():
    f = sealed(3)
    more = interactions(5).iloc[3:]
    g = pd.concat([f, more])
    assert findings(g) == [(5, "unsealed"), (6, "unsealed")]
    g["record_hash"] = seal(g, "Interactions")
    assert g["record_hash"].tolist()[:3] == f["record_hash"].tolist()
    assert g.loc[5, "record_hash"].split(":")[1] == "4"
    assert g.loc[5, "record_hash"].split(":")[2] == f.loc[4, "record_hash"].split(":")[3][:8]
    assert verify(g, "Interactions").empty
    # same hashes as sealing all five at once
    assert g["record_hash"].tolist() == sealed(5)["record_hash"].tolist()


def test_rows_inserted_between_sealed_rows_are_not_sealed():
    f = sealed(4)
    new = interactions(6).iloc[[5]]
    g = renumber(pd.concat([f.iloc[:2], new, f.iloc[2:]]))
    out = seal(g, "Interactions")
    assert out.iloc[2] is None
    assert findings(g) == [(4, "inserted")]


def test_blank_rows_are_neither_sealed_nor_reported():
    f = interactions(3)
    for col in f.columns:
        if col not in ("record_hash", "sentiment"):
            f.loc[3, col] = None if f[col].dtype == object else pd.NaT
    out = seal(f, "Interactions")
    assert out.loc[3] is None
    assert out.loc[4].split(":")[1] == "2"
    f["record_hash"] = out
    assert verify(f, "Interactions").empty


def test_owned_column_change_does_not_break_the_chain():
    f = sealed()
    f["sentiment"] = -0.9
    f["translation"] = "anything"
    assert verify(f, "Interactions").empty


# ------------------------------------------------------------------ findings
def test_one_character_edit_is_found_at_that_row_only():
    f = sealed()
    f.loc[4, "message"] = "message number 3 "  # a trailing space counts
    v = verify(f, "Interactions")
    assert findings(f) == [(4, "edited")]
    assert v.loc[0, "record_id"] == "I3"
    assert v.loc[0, "detail"] == ("Row 4 (I3) was changed after it was sealed: its content "
                                  "no longer matches its Record Hash.")


def test_timestamp_edit_is_found_but_sub_second_noise_is_not():
    f = sealed()
    g = f.copy()
    g.loc[2, "timestamp"] = g.loc[2, "timestamp"] + pd.Timedelta(milliseconds=300)
    assert verify(g, "Interactions").empty  # how Excel's day fractions come back
    g.loc[2, "timestamp"] = g.loc[2, "timestamp"] + pd.Timedelta(seconds=1)
    assert findings(g) == [(2, "edited")]


def test_deleting_a_row_is_reported_once_near_it():
    f = sealed(6)
    g = renumber(f.drop(index=4))
    v = verify(g, "Interactions")
    assert findings(g) == [(4, "deleted")]
    assert "Record 3 of the chain is missing" in v.loc[0, "detail"]
    assert "between row 3 and row 4" in v.loc[0, "detail"]


def test_deleting_several_rows_is_one_finding_per_gap():
    f = sealed(8)
    g = renumber(f.drop(index=[3, 4, 5, 8]))
    v = verify(g, "Interactions")
    assert findings(g) == [(3, "deleted"), (5, "deleted")]
    assert "Records 2 to 4 of the chain (3 records)" in v.loc[0, "detail"]


def test_deleting_the_first_row():
    g = renumber(sealed(3).drop(index=2))
    assert findings(g) == [(2, "deleted")]


def test_swapping_two_rows_is_reordered():
    f = sealed(5)
    g = renumber(f.loc[[2, 3, 5, 4, 6]])
    v = verify(g, "Interactions")
    assert v["finding"].tolist() == ["reordered"]
    assert v.loc[0, "excel_row"] in (4, 5)


def test_moving_one_row_far_flags_that_row_only():
    f = sealed(6)
    g = renumber(f.loc[[3, 4, 5, 6, 7, 2]])
    v = verify(g, "Interactions")
    assert findings(g) == [(7, "reordered")]
    assert v.loc[0, "record_id"] == "I1"


def test_sorting_the_table_reports_reordered_rows_not_edits():
    f = sealed(6)
    g = renumber(f.iloc[::-1])
    v = verify(g, "Interactions")
    assert set(v["finding"]) == {"reordered"}
    assert len(v) == 5


def test_inserted_row_between_sealed_rows():
    f = sealed(4)
    extra = interactions(1)
    extra["interaction_id"] = "I99"
    g = renumber(pd.concat([f.iloc[:2], extra, f.iloc[2:]]))
    v = verify(g, "Interactions")
    assert findings(g) == [(4, "inserted")]
    assert v.loc[0, "record_id"] == "I99"


def test_pasted_copy_of_a_sealed_row_is_inserted():
    f = sealed(3)
    g = renumber(pd.concat([f, f.iloc[[0]]]))
    assert findings(g) == [(5, "inserted")]


def test_cleared_hash_cell_is_an_edit_of_the_hash_not_a_deletion():
    f = sealed(4)
    f.loc[3, "record_hash"] = None
    v = verify(f, "Interactions")
    assert findings(f) == [(3, "edited")]
    assert "Record Hash cleared or overwritten" in v.loc[0, "detail"]
    f.loc[3, "record_hash"] = "v1:2:garbage"
    assert findings(f) == [(3, "edited")]


def test_rewritten_hash_of_an_edited_row_is_caught_by_the_next_link():
    # A naive forger edits a row and recomputes its own hash with the public recipe.
    f = sealed(4)
    f.loc[3, "message"] = "forged"
    forged = seal(f.assign(record_hash=[None] * 4), "Interactions")
    f.loc[3, "record_hash"] = forged.loc[3]
    assert findings(f) == [(3, "edited")]


def test_findings_work_on_a_frame_typed_by_validation():
    wb = MemoryWorkbook({"Interactions": pd.DataFrame(
        [{"Interaction ID": "I1", "Timestamp": "2025-06-01 10:00", "Message": "hello",
          "Direction": "in"},
         {"Interaction ID": "I2", "Timestamp": dt.datetime(2025, 6, 1, 11), "Message": "=1+1"}],
        columns=list(SHEETS["Interactions"].headers))})
    typed = coerce_table(SHEETS["Interactions"], wb.read_table("Interactions"), Settings())
    f = typed.frame
    f["record_hash"] = seal(f, "Interactions")
    assert verify(f, "Interactions").empty
    f.loc[3, "message"] = "=1+2"
    assert findings(f) == [(3, "edited")]


# ------------------------------------------------------------------ seller key
def test_hmac_chain_verifies_with_its_key_only():
    f = sealed(4, KEY)
    assert all(h.startswith("v1h:") for h in f["record_hash"])
    assert f["record_hash"].tolist() != sealed(4)["record_hash"].tolist()
    assert verify(f, "Interactions", KEY).empty
    assert findings(f) == [(2, "wrong_key")]
    assert findings(f, b"not the key") == [(2, "wrong_key")]
    assert "without it" in verify(f, "Interactions")["detail"][0]


def test_hmac_chain_finds_edits_with_the_key_and_gaps_without_it():
    f = sealed(5, KEY)
    f.loc[4, "message"] = "changed"
    assert findings(f, KEY) == [(4, "edited")]
    g = renumber(sealed(5, KEY).drop(index=4))
    assert findings(g) == [(2, "wrong_key"), (4, "deleted")]


def test_sealing_a_keyed_chain_needs_the_same_key():
    f = pd.concat([sealed(3, KEY), interactions(4).iloc[[3]]])
    with pytest.raises(ConfigError, match="sealed with a seller key"):
        seal(f, "Interactions")
    with pytest.raises(ConfigError, match="not the one that sealed"):
        seal(f, "Interactions", b"other")
    out = seal(f, "Interactions", KEY)
    assert out.iloc[3].startswith("v1h:4:")
    # nothing new to seal: no key needed, nothing raised
    assert seal(sealed(3, KEY), "Interactions").notna().all()


def test_plain_row_resealed_into_a_keyed_chain_is_an_edit():
    f = sealed(3, KEY)
    f.loc[4, "message"] = "forged"
    plain = seal(f.assign(record_hash=[None] * 3), "Interactions")
    f.loc[4, "record_hash"] = "v1:3:" + plain.loc[4].split(":", 2)[2]  # keep seq 3
    assert (4, "edited") in findings(f, KEY)


def test_empty_key_means_no_key():
    assert seal(interactions(2), "Interactions", b"").tolist() == \
        sealed(2)["record_hash"].tolist()


# ------------------------------------------------------------------ evidence
def evidence(sha: list[str | None]) -> pd.DataFrame:
    n = len(sha)
    return pd.DataFrame({
        "evidence_id": [f"E{i}" for i in range(1, n + 1)],
        "dispute_id": ["D1"] * n, "kind": ["photo"] * n,
        "file_or_link": [f"photos/{i}.jpg" for i in range(1, n + 1)],
        "description": ["box"] * n,
        "added_at": pd.to_datetime(["2025-06-02 09:00"] * n),
        "added_by": ["ann"] * n, "sha_256": sha, "exists": ["yes"] * n,
        "record_hash": [None] * n,
    }, index=range(2, 2 + n)).astype({"record_hash": object, "sha_256": object})


def test_evidence_covers_the_file_digest():
    f = evidence(["a" * 64, "b" * 64])
    f["record_hash"] = seal(f, "Evidence")
    assert verify(f, "Evidence").empty
    f.loc[3, "sha_256"] = "c" * 64  # the photo behind row 3 was replaced
    v = verify(f, "Evidence")
    assert v[["excel_row", "finding", "record_id"]].values.tolist() == [[3, "edited", "E2"]]
    f.loc[3, "exists"] = "no"  # owned, not covered
    f.loc[3, "sha_256"] = "b" * 64
    assert verify(f, "Evidence").empty


def test_evidence_sealed_before_its_digest_was_known_still_verifies():
    f = evidence([None, None])
    f["record_hash"] = seal(f, "Evidence")
    f["sha_256"] = ["a" * 64, "b" * 64]
    assert verify(f, "Evidence").empty
    f.loc[2, "description"] = "box!"
    assert verify(f, "Evidence")["excel_row"].tolist() == [2]


# ------------------------------------------------------------------ helpers and contracts
def test_covered_columns_are_the_user_columns_of_the_contract():
    # A change here is a new hash format version, never a silent one.
    assert COVERED["Interactions"] == tuple(c.header for c in SHEETS["Interactions"].user_columns)
    assert COVERED["Evidence"] == tuple(
        c.header for c in SHEETS["Evidence"].user_columns) + ("SHA-256",)


def test_content_is_canonical_and_unambiguous():
    f = pd.DataFrame({"interaction_id": ["I1", "I1", "I1", "I1"],
                      "message": ["12", 12.0, "", None],
                      "handler": [np.int64(3), 3.5, True, "x\"y"]}, index=[2, 3, 4, 5])
    c = record_contents(f, "Interactions")
    assert '["Message","12"]' in c[0]
    assert '["Message",12]' in c[1]
    assert '["Message",null]' in c[2] and '["Message",null]' in c[3]
    assert '["Handler",3]' in c[0] and '["Handler",3.5]' in c[1]
    assert '["Handler",true]' in c[2] and '["Handler","x\\"y"]' in c[3]
    assert c[0].startswith('[["Interaction ID","I1"],["Timestamp",null],')


def test_chain_head_is_the_last_record():
    f = sealed(3)
    assert chain_head(f, "Interactions") == f.loc[4, "record_hash"]
    assert chain_head(interactions(2), "Interactions") is None


def test_verify_tables_and_problems():
    f = sealed(3)
    f.loc[2, "message"] = "x"
    e = evidence(["a" * 64])
    e["record_hash"] = seal(e, "Evidence")
    e = renumber(pd.concat([e, evidence(["b" * 64])]))
    v = verify_tables({"Interactions": f, "Evidence": e, "Orders": pd.DataFrame()})
    assert v[["sheet", "excel_row", "finding"]].values.tolist() == [
        ["Interactions", 2, "edited"], ["Evidence", 3, "unsealed"]]
    p = as_problems(v)
    assert list(p.columns) == PROBLEM_COLUMNS
    assert p["severity"].tolist() == ["error", "warning"]
    assert p["column"].tolist() == ["Record Hash", "Record Hash"]
    assert p.loc[1, "fix"] == "Run refresh to seal the new rows."
    assert summary(v) == "1 edited, 1 unsealed."


def test_unknown_sheet_is_a_kakobuy_error():
    with pytest.raises(KakobuyError, match="only Interactions and Evidence"):
        seal(interactions(1), "Orders")


def test_missing_record_hash_column_reads_as_unsealed():
    f = interactions(2).drop(columns=["record_hash"])
    assert verify(f, "Interactions")["finding"].tolist() == ["unsealed", "unsealed"]
    assert seal(f, "Interactions").notna().all()


def test_a_row_after_a_deleted_one_can_still_be_checked():
    g = renumber(sealed(5).drop(index=4))
    g.loc[4, "message"] = "changed too"
    v = verify(g, "Interactions")
    assert v["finding"].tolist() == ["edited", "deleted"]
    assert v["excel_row"].tolist() == [4, 4]


def test_forged_hash_with_a_huge_seq_is_reported_without_walking_the_gap():
    f = sealed(3)
    f.loc[4, "record_hash"] = "v1:999999999:" + f.loc[4, "record_hash"].split(":", 2)[2]
    v = verify(f, "Interactions")
    assert v["finding"].tolist() == ["edited", "deleted"]
    assert "Records 3 to 999999998" in v.loc[1, "detail"]
