"""The file WorkbookIO: an .xlsx/.xlsm on disk, read fast, written surgically.

Reading uses python-calamine (Rust) for values and a byte scan of each worksheet part
for what calamine hides (formulas, ``#N/A``-style errors). Writing never loads the
workbook into openpyxl: it edits the worksheet parts it must (only the cells kakobuy
owns, plus appended rows), the table parts whose range grows and, when a date needs a
date format nobody defined, ``styles.xml``. Every other part is copied raw, so the VBA
project, ribbon, charts, images, pivot caches and the rest stay byte-identical.
A report sheet (``write_sheet``) is the exception that proves the rule: kakobuy owns it
whole, so its worksheet, drawing and chart parts are rendered anew (``reportxml``) and
its old drawing and charts are removed with it.
Saves go to a temporary file next to the target and replace it atomically, after the
previous version is copied to a backup.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from lxml import etree

from ..errors import (
    NotAWorkbook,
    SheetNotFound,
    WorkbookError,
    WorkbookLocked,
    WorkbookReadOnly,
)
from ..report_sheet import Layout, ReportSheet, layout
from . import reportxml as rx
from . import sheetxml as sx
from .base import (
    ColumnWrite,
    Progress,
    TableData,
    check_replaceable,
    check_room,
    find_header,
    no_progress,
)
from .tablecache import TableCache, table_key
from .zipcopy import ZipTooLarge, rewrite_zip

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_TABLE = NS_REL + "/table"
REL_CALC_CHAIN = NS_REL + "/calcChain"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

# Built-in number formats that show dates or times (ECMA-376 18.8.30, plus the CJK ones).
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | \
    set(range(50, 59))
_DATE_CODE = re.compile(r"[dmyhs]", re.I)


def _q(tag: str) -> str:
    return f"{{{NS_MAIN}}}{tag}"


def _xml(data: bytes, part: str) -> etree._Element:
    try:
        return etree.fromstring(data, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAWorkbook(f"The workbook is damaged: part '{part}' is not valid XML ({exc}).") from exc


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _rels_path(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def lock_file(path: Path) -> Path | None:
    """Excel's lock file for ``path`` (``~$NAME``), if one exists."""
    for name in ("~$" + path.name, "~$" + path.name[2:]):
        candidate = path.with_name(name)
        if len(name) > 2 and candidate.exists():
            return candidate
    return None


def backup_path(path: Path) -> Path:
    """``Shop.xlsx`` -> ``Shop.bak.xlsx``: the previous version, kept at every save."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


@dataclass
class _Table:
    part: str
    name: str
    ref: str
    header_rows: int
    xml: bytes


@dataclass
class _Sheet:
    name: str
    part: str
    tables: list[_Table] = field(default_factory=list)


def _is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date/time: d, m, y, h or s outside quotes."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return bool(_DATE_CODE.search(code))


class _Styles:
    """Just enough of ``styles.xml`` to give a date a date format when it has none."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.changed = False
        self._root = _xml(data, "xl/styles.xml") if data else None
        self._date_xf: dict[tuple[int | None, str], int] = {}

    def _xfs(self) -> list[etree._Element]:
        if self._root is None:
            return []
        cell_xfs = self._root.find(_q("cellXfs"))
        return list(cell_xfs) if cell_xfs is not None else []

    def is_date(self, style: int | None) -> bool:
        xfs = self._xfs()
        if style is None or style >= len(xfs):
            return False
        fmt = int(xfs[style].get("numFmtId", "0"))
        if fmt in _BUILTIN_DATE_FORMATS:
            return True
        num_fmts = self._root.find(_q("numFmts")) if self._root is not None else None
        for nf in (num_fmts if num_fmts is not None else []):
            if int(nf.get("numFmtId", "-1")) == fmt:
                return _is_date_format(nf.get("formatCode", ""))
        return False

    def date_style(self, base: int | None, with_time: bool) -> int | None:
        """An xf like ``base`` but showing dates; added to styles.xml when none fits."""
        if self._root is None:
            return base
        if self.is_date(base):
            return base
        key = (base, "dt" if with_time else "d")
        if key in self._date_xf:
            return self._date_xf[key]
        code = "yyyy-mm-dd hh:mm" if with_time else "yyyy-mm-dd"
        num_fmts = self._root.find(_q("numFmts"))
        if num_fmts is None:
            num_fmts = etree.Element(_q("numFmts"), count="0")
            self._root.insert(0, num_fmts)
        fmt_id = None
        for nf in num_fmts:
            if nf.get("formatCode") == code:
                fmt_id = int(nf.get("numFmtId", "0"))
        if fmt_id is None:
            fmt_id = max([163] + [int(nf.get("numFmtId", "0")) for nf in num_fmts]) + 1
            etree.SubElement(num_fmts, _q("numFmt"), numFmtId=str(fmt_id), formatCode=code)
            num_fmts.set("count", str(len(num_fmts)))
        cell_xfs = self._root.find(_q("cellXfs"))
        xfs = list(cell_xfs)
        template = xfs[base] if base is not None and base < len(xfs) else xfs[0]
        new = etree.fromstring(etree.tostring(template))
        new.set("numFmtId", str(fmt_id))
        new.set("applyNumberFormat", "1")
        cell_xfs.append(new)
        cell_xfs.set("count", str(len(cell_xfs)))
        index = len(cell_xfs) - 1
        self._date_xf[key] = index
        self.changed = True
        return index

    def to_bytes(self) -> bytes:
        assert self._root is not None
        return etree.tostring(self._root, xml_declaration=True, encoding="UTF-8",
                              standalone=True)


class FileWorkbook:
    """A workbook file. Read with :meth:`read_table`; stage writes; :meth:`save` once.

    >>> wb = FileWorkbook("shop.xlsx")                      # doctest: +SKIP
    >>> t = wb.read_table("Orders")                         # doctest: +SKIP
    >>> wb.write_columns("Orders", {"Delay Flag": (s, "choice")}); wb.save()  # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], cache: TableCache | None = None) -> None:
        self.path = Path(path)
        self.cache = cache
        self._check_readable()
        self._zip_bytes = self._load_bytes()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(self._zip_bytes))
            self._names = set(self._zip.namelist())
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise NotAWorkbook(
                f"'{self.path.name}' is not an Excel workbook or is damaged ({exc}). "
                "Open it in Excel and save it again as .xlsx, or restore the backup "
                f"'{backup_path(self.path).name}' if there is one."
            ) from exc
        if "xl/workbook.xml" not in self._names:
            raise NotAWorkbook(
                f"'{self.path.name}' is a zip file but not an Excel workbook "
                "(it has no xl/workbook.xml). Save it from Excel as .xlsx or .xlsm."
            )
        self._parts: dict[str, bytes] = {}
        self.date1904 = False
        self._sheets = self._load_structure()
        self._styles: _Styles | None = None
        self._writes: dict[str, dict[int, dict[int, Any]]] = {}
        self._appends: dict[str, int] = {}
        self._table_cache: dict[str, TableData] = {}
        self._special: dict[str, tuple[set[tuple[int, int]], dict[tuple[int, int], str]]] = {}
        self._fresh: dict[str, tuple[str, TableData]] = {}
        self._calamine: Any = None
        # Report sheets staged by write_sheet, by casefolded name, in staging order.
        self._reports: dict[str, tuple[ReportSheet, Layout]] = {}

    # ---------------------------------------------------------------- opening
    def _check_readable(self) -> None:
        p = self.path
        if p.suffix.lower() not in SUFFIXES:
            raise NotAWorkbook(
                f"'{p.name}' is not an Excel workbook (expected .xlsx or .xlsm, found "
                f"'{p.suffix or 'no extension'}'). Save it from Excel as .xlsx."
            )
        if not p.exists():
            raise WorkbookError(f"No workbook at '{p}'. Check the path, or create one with "
                                f"`kakobuy init {p.name}`.")
        if p.is_dir():
            raise NotAWorkbook(f"'{p}' is a folder, not a workbook.")

    def _load_bytes(self) -> bytes:
        try:
            return self.path.read_bytes()
        except PermissionError as exc:
            raise WorkbookLocked(
                f"'{self.path.name}' cannot be read: it is locked by another program "
                f"(probably Excel). Close it there and try again. ({exc.strerror})"
            ) from exc
        except OSError as exc:
            raise WorkbookError(f"'{self.path.name}' cannot be read: {exc.strerror}.") from exc

    def _part(self, name: str) -> bytes:
        if name not in self._parts:
            try:
                self._parts[name] = self._zip.read(name)
            except KeyError as exc:
                raise NotAWorkbook(f"The workbook is damaged: part '{name}' is missing.") from exc
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise NotAWorkbook(
                    f"The workbook '{self.path.name}' is damaged (part '{name}' cannot be "
                    f"read: {exc}). Restore '{backup_path(self.path).name}' if there is one."
                ) from exc
        return self._parts[name]

    def _rels(self, part: str) -> list[tuple[str, str, str]]:
        path = _rels_path(part)
        if path not in self._names:
            return []
        root = _xml(self._part(path), path)
        return [(r.get("Id", ""), r.get("Type", ""), _resolve(part, r.get("Target", "")))
                for r in root if r.get("TargetMode") != "External"]

    def _load_structure(self) -> list[_Sheet]:
        root = _xml(self._part("xl/workbook.xml"), "xl/workbook.xml")
        pr = root.find(_q("workbookPr"))
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        rels = {rid: target for rid, typ, target in self._rels("xl/workbook.xml")
                if typ == REL_WORKSHEET}
        sheets: list[_Sheet] = []
        el = root.find(_q("sheets"))
        for s in (el if el is not None else []):
            target = rels.get(s.get(f"{{{NS_REL}}}id", ""))
            if target is None:
                continue  # a chart sheet or dialog sheet: not ours
            sheet = _Sheet(s.get("name", ""), target)
            for _rid, typ, tpart in self._rels(target):
                if typ == REL_TABLE and tpart in self._names:
                    data = self._part(tpart)
                    t = _xml(data, tpart)
                    sheet.tables.append(_Table(
                        tpart, t.get("displayName") or t.get("name", ""), t.get("ref", "A1:A1"),
                        int(t.get("headerRowCount", "1")), data,
                    ))
            sheets.append(sheet)
        return sheets

    # ---------------------------------------------------------------- reading
    def sheet_names(self) -> list[str]:
        return [s.name for s in self._sheets]

    def _sheet(self, name: str) -> _Sheet:
        for s in self._sheets:
            if s.name.casefold() == name.casefold():
                return s
        for s in self._sheets:  # the table may be on a sheet with another name
            if any(t.name.casefold() == name.replace(" ", "").casefold() for t in s.tables):
                return s
        found = ", ".join(self.sheet_names()) or "none"
        raise SheetNotFound(
            f"The workbook has no sheet '{name}' (found: {found}). Add it back, or rename the "
            f"sheet that holds it to '{name}'."
        )

    def _table_for(self, sheet: _Sheet, name: str) -> _Table | None:
        wanted = name.replace(" ", "").casefold()
        for t in sheet.tables:
            if t.name.casefold() == wanted:
                return t
        return sheet.tables[0] if sheet.tables else None

    def _values(self, sheet: _Sheet) -> list[list[Any]]:
        import python_calamine

        if self._calamine is None:
            try:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                    io.BytesIO(self._zip_bytes))
            except Exception as exc:  # calamine raises its own error types
                raise NotAWorkbook(f"'{self.path.name}' cannot be read: {exc}") from exc
        try:
            return self._calamine.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise NotAWorkbook(f"Sheet '{sheet.name}' cannot be read: {exc}") from exc

    def read_table(self, sheet: str) -> TableData:
        key = sheet.casefold()
        if key in self._table_cache:
            return self._table_cache[key]
        s = self._sheet(sheet)
        table = self._table_for(s, sheet)
        cache_key = self._cache_key(s, table, sheet) if self.cache is not None else None
        if cache_key is not None:
            hit = self.cache.get(cache_key)  # type: ignore[union-attr]
            if hit is not None:
                self._table_cache[key] = hit
                return hit
        rows = self._values(s)
        if table is not None:
            r1, c1, r2, c2 = sx.parse_ref(table.ref)
            header_row = r1 if table.header_rows else r1 - 1
        else:
            # A plain range: headers in the first used row, data down to the last one.
            r1 = next((i + 1 for i, row in enumerate(rows) if any(v != "" for v in row)), 1)
            header_row, c1 = r1, 1
            c2 = max((len(r) for r in rows), default=1)
            r2 = max(len(rows), r1)
        header_vals = rows[header_row - 1][c1 - 1:c2] if 0 < header_row <= len(rows) else []
        headers = [str(v).strip() if v != "" else "" for v in header_vals]
        headers += [""] * (c2 - c1 + 1 - len(headers))
        headers = [h or f"Column{i + 1}" for i, h in enumerate(headers)]
        width = c2 - c1 + 1
        data_rows = rows[header_row: min(r2, len(rows))]
        body = np.full((len(data_rows), width), None, dtype=object)
        if data_rows:
            grid = np.array(data_rows, dtype=object)
            grid = grid[:, c1 - 1:c2]
            grid[grid == ""] = None
            body[:, :grid.shape[1]] = grid
            # Trailing blank rows inside the table range are not records.
            filled = np.flatnonzero((body != None).any(axis=1))  # noqa: E711 - elementwise
            body = body[: filled[-1] + 1] if len(filled) else body[:0]
        # object dtype: pandas 3 would otherwise infer str and turn None into NaN.
        frame = pd.DataFrame(body, columns=headers, dtype=object)
        frame.index = range(header_row + 1, header_row + 1 + len(frame))
        formulas, errors = self._special_cells(s.part)
        col_header = {c1 + i: h for i, h in enumerate(headers)}
        data = TableData(
            sheet=s.name, table=table.name if table else None, header_row=header_row,
            first_col=c1, headers=headers, frame=frame, last_row=r2,
            formula_cells={(r, col_header[c]) for r, c in formulas
                           if c in col_header and header_row < r <= r2},
            error_cells={(r, col_header[c]): v for (r, c), v in errors.items()
                         if c in col_header and header_row < r <= r2},
        )
        self._table_cache[key] = data
        if cache_key is not None:
            self._fresh[cache_key] = (s.part, data)  # cached at save() or close()
        return data

    def close(self) -> None:
        """Hand the tables read from this file to the cache (written in the background)."""
        if self.cache is not None:
            for cache_key, (_part, data) in self._fresh.items():
                self.cache.put(cache_key, data)
        self._fresh.clear()

    def _raw(self, name: str) -> bytes:
        """A member's bytes as stored (compressed): cheap to hash, no inflating."""
        info = self._zip.getinfo(name)
        off = info.header_offset
        header = self._zip_bytes[off: off + 30]
        start = off + 30 + int.from_bytes(header[26:28], "little") + \
            int.from_bytes(header[28:30], "little")
        return self._zip_bytes[start: start + info.compress_size]

    def _cache_key(self, sheet: _Sheet, table: _Table | None, requested: str) -> str | None:
        """What a table's values depend on: its sheet, table, strings, styles, workbook."""
        try:
            parts = [self._raw(sheet.part), self._raw("xl/workbook.xml")]
            parts += [self._raw(table.part)] if table is not None else [b""]
            for name in ("xl/sharedStrings.xml", "xl/styles.xml"):
                parts.append(self._raw(name) if name in self._names else b"")
        except (KeyError, ValueError):
            return None
        return table_key(parts, requested.casefold())

    def _special_cells(self, part: str) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
        """Formula and error cells of a worksheet part, scanned once per opened file."""
        if part not in self._special:
            self._special[part] = sx.scan_special_cells(self._part(part))
        return self._special[part]

    # ---------------------------------------------------------------- writing
    def write_columns(self, sheet: str, columns: Mapping[str, ColumnWrite]) -> None:
        data = self.read_table(sheet)
        cells = self._writes.setdefault(self._sheet(sheet).part, {})
        for header, (values, _kind) in columns.items():
            found = find_header(data.headers, header)
            if found is None:
                raise WorkbookError(f"Sheet '{data.sheet}' has no column '{header}'.")
            col = data.first_col + data.headers.index(found)
            last = max(data.last_row, data.header_row + len(data.frame))
            for row, value in zip(values.index.tolist(), values.tolist()):
                if data.header_row < row <= last:
                    target = cells.get(row)
                    if target is None:
                        target = cells[row] = {}
                    target[col] = value

    def append_rows(self, sheet: str, rows: pd.DataFrame,
                    kinds: Mapping[str, str] | None = None) -> list[int]:
        data = self.read_table(sheet)
        s = self._sheet(sheet)
        last_used = int(data.frame.index.max()) if len(data.frame) else data.header_row
        start = max(last_used, data.header_row) + 1 + self._appends.get(s.part, 0)
        end = start + len(rows) - 1
        check_room(data.sheet, start, len(rows))
        cols = {}
        for header in rows.columns:
            found = find_header(data.headers, str(header))
            if found is None:
                raise WorkbookError(
                    f"Sheet '{data.sheet}' has no column '{header}' (found: "
                    f"{', '.join(data.headers)})."
                )
            cols[header] = data.first_col + data.headers.index(found)
        cells = self._writes.setdefault(s.part, {})
        for offset, record in enumerate(rows.itertuples(index=False, name=None)):
            target = cells.setdefault(start + offset, {})
            for header, value in zip(rows.columns, record):
                target[cols[header]] = value
        self._appends[s.part] = self._appends.get(s.part, 0) + len(rows)
        return list(range(start, end + 1))

    # ---------------------------------------------------------------- report sheets
    def write_sheet(self, report: ReportSheet) -> None:
        """Stage a whole report sheet: it replaces the sheet of that name, or is added last.

        The sheet's old drawing and chart parts go with it; every other part stays.
        Refuses to replace a sheet that is not a report sheet, or that holds a table.
        """
        where = layout(report)
        existing = next((s for s in self._sheets
                         if s.name.casefold() == report.name.casefold()), None)
        if existing is not None:
            check_replaceable(existing.name, report.title,
                              existing.tables[0].name if existing.tables else None)
            self._writes.pop(existing.part, None)
        self._reports[report.name.casefold()] = (report, where)

    def _subparts(self, part: str) -> set[str]:
        """Parts only reachable through ``part`` (drawings, charts, comments...) and their rels."""
        out: set[str] = set()
        todo = [part]
        while todo:
            current = todo.pop()
            rels = _rels_path(current)
            if rels in self._names:
                out.add(rels)
            for _rid, typ, target in self._rels(current):
                if target in self._names and target not in out and target != part and \
                        typ != REL_WORKSHEET and not target.startswith("xl/worksheets/"):
                    out.add(target)
                    todo.append(target)
        return out

    def _shared_elsewhere(self, doomed: set[str], keep_rels: set[str]) -> set[str]:
        """Of ``doomed``, the parts some other surviving part still refers to (e.g. an
        image two drawings share), with everything they need in turn."""
        kept: set[str] = set()
        for name in self._names:
            if not name.endswith(".rels") or name in doomed or name in keep_rels:
                continue
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
            for _rid, _typ, target in self._rels(source):
                if target in doomed:
                    kept.add(target)
        for part in list(kept):
            kept |= self._subparts(part) & doomed
        return kept

    def _render_reports(self, replace: dict[str, bytes], remove: set[str]) -> bool:
        """Render the staged report sheets into ``replace``/``remove``.

        Returns whether a replaced sheet held formulas (the calculation chain then
        names cells that are gone, and must go too).
        """
        ct_name, wb_name = "[Content_Types].xml", "xl/workbook.xml"
        wb_rels_name = _rels_path(wb_name)
        if self._styles is None:
            name = "xl/styles.xml"
            self._styles = _Styles(self._part(name) if name in self._names else None)
        styles = rx.ReportStyles(self._styles._root)
        by_name = {s.name.casefold(): s for s in self._sheets}
        had_formulas = False
        doomed: set[str] = set()
        own_rels: set[str] = set()
        for key in self._reports:
            s = by_name.get(key)
            if s is not None:
                doomed |= self._subparts(s.part)
                own_rels.add(_rels_path(s.part))
                had_formulas = had_formulas or bool(self._special_cells(s.part)[0])
        doomed -= self._shared_elsewhere(doomed, own_rels)
        taken = set(self._names) - doomed

        def free(stem: str) -> str:
            n = 1
            while f"{stem}{n}.xml" in taken:
                n += 1
            taken.add(f"{stem}{n}.xml")
            return f"{stem}{n}.xml"

        def rel_target(source: str, target: str) -> str:
            return posixpath.relpath(target, posixpath.dirname(source))

        new_types: dict[str, str] = {}
        new_sheets: list[tuple[str, str]] = []  # (name, part)
        for key, (report, where) in self._reports.items():
            s = by_name.get(key)
            part = s.part if s is not None else free("xl/worksheets/sheet")
            if s is None:
                new_sheets.append((report.name, part))
                new_types[part] = rx.CT_WORKSHEET
            drawing_rid = None
            sheet_rels = _rels_path(part)
            if where.charts:
                drawing = free("xl/drawings/drawing")
                charts = [free("xl/charts/chart") for _ in where.charts]
                drawing_rid = "rId1"
                replace[sheet_rels] = rx.render_rels(
                    [(drawing_rid, rx.REL_DRAWING, rel_target(part, drawing))])
                rids = [f"rId{i}" for i in range(1, len(charts) + 1)]
                replace[drawing] = rx.render_drawing(where.charts, rids)
                replace[_rels_path(drawing)] = rx.render_rels(
                    [(rid, rx.REL_CHART, rel_target(drawing, c)) for rid, c in zip(rids, charts)])
                new_types[drawing] = rx.CT_DRAWING
                tables = {t.key: t for t in report.tables}
                for c, cl in zip(charts, where.charts):
                    replace[c] = rx.render_chart(cl, tables[cl.chart.table_key])
                    new_types[c] = rx.CT_CHART
            elif sheet_rels in self._names:
                doomed.add(sheet_rels)
            replace[part] = rx.render_worksheet(report, where, styles.xf, drawing_rid,
                                                self.date1904)
        if styles.changed:
            self._styles.changed = True

        # Content types: drop the overrides of parts that are gone, add the new ones.
        types = _xml(replace.get(ct_name) or self._part(ct_name), ct_name)
        have: set[str] = set()
        for el in list(types):
            name = el.get("PartName", "").lstrip("/")
            if not name:
                continue
            if name in doomed and name not in new_types:
                types.remove(el)
            elif name in new_types:
                el.set("ContentType", new_types[name])
                have.add(name)
        for name, ctype in new_types.items():
            if name not in have:
                etree.SubElement(types, f"{{{NS_CT}}}Override", PartName="/" + name,
                                 ContentType=ctype)
        ct_bytes = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                  standalone=True)
        if ct_bytes != self._part(ct_name):
            replace[ct_name] = ct_bytes

        if new_sheets:
            book = _xml(self._part(wb_name), wb_name)
            rels = _xml(replace.get(wb_rels_name) or self._part(wb_rels_name), wb_rels_name)
            sheets_el = book.find(_q("sheets"))
            assert sheets_el is not None  # a workbook without <sheets> fails to open earlier
            ids = [int(x.get("sheetId", "0")) for x in sheets_el]
            rids = {r.get("Id") for r in rels}
            n = len(rids) + 1
            for name, part in new_sheets:
                while f"rId{n}" in rids:
                    n += 1
                rid = f"rId{n}"
                rids.add(rid)
                etree.SubElement(rels, f"{{{NS_PKG_REL}}}Relationship", Id=rid,
                                 Type=REL_WORKSHEET, Target=rel_target(wb_name, part))
                ids.append(max(ids, default=0) + 1)
                etree.SubElement(sheets_el, _q("sheet"), name=name, sheetId=str(ids[-1]),
                                 attrib={f"{{{NS_REL}}}id": rid})
            replace[wb_name] = etree.tostring(book, xml_declaration=True, encoding="UTF-8",
                                              standalone=True)
            replace[wb_rels_name] = etree.tostring(rels, xml_declaration=True,
                                                   encoding="UTF-8", standalone=True)
            app = self._app_titles([name for name, _ in new_sheets])
            if app is not None:
                replace["docProps/app.xml"] = app
        # A reused name is rewritten in place (same position, same zip entry).
        remove |= doomed - set(replace)
        return had_formulas

    def _app_titles(self, names: list[str]) -> bytes | None:
        """docProps/app.xml listing the new sheets too, when it has the usual shape."""
        name = "docProps/app.xml"
        if name not in self._names:
            return None
        ns_ep = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
        ns_vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
        root = _xml(self._part(name), name)
        pairs = root.find(f"{{{ns_ep}}}HeadingPairs/{{{ns_vt}}}vector")
        titles = root.find(f"{{{ns_ep}}}TitlesOfParts/{{{ns_vt}}}vector")
        if pairs is None or titles is None:
            return None
        variants = list(pairs)
        # The worksheet heading's count says how many titles (first in the list) are sheets.
        offset = 0
        for i in range(0, len(variants) - 1, 2):
            label = variants[i].findtext(f"{{{ns_vt}}}lpstr")
            count_el = variants[i + 1].find(f"{{{ns_vt}}}i4")
            if count_el is None:
                return None
            if label in ("Worksheets", "Arbeitsblätter", "Feuilles de calcul"):
                position = offset + int(count_el.text or 0)
                count_el.text = str(int(count_el.text or 0) + len(names))
                break
            offset += int(count_el.text or 0)
        else:
            return None
        for i, sheet in enumerate(names):
            el = etree.Element(f"{{{ns_vt}}}lpstr")
            el.text = sheet
            titles.insert(position + i, el)
        titles.set("size", str(len(titles)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    @property
    def has_changes(self) -> bool:
        return any(self._writes.values()) or bool(self._reports)

    def _style_for(self, style: int | None, value: Any) -> int | None:
        if isinstance(value, (dt.date, pd.Timestamp)) and not sx.is_empty(value):
            if self._styles is None:
                name = "xl/styles.xml"
                self._styles = _Styles(self._part(name) if name in self._names else None)
            with_time = isinstance(value, dt.datetime) and (
                value.hour or value.minute or value.second)
            return self._styles.date_style(style, bool(with_time))
        return style

    def check_writable(self) -> None:
        """Refuse early, before any work, when the save could not succeed."""
        lock = lock_file(self.path)
        if lock is not None:
            raise WorkbookLocked(
                f"'{self.path.name}' is open in Excel (lock file '{lock.name}' found). Close it "
                "in Excel first, then run this again. (If Excel is not running, delete the "
                "lock file.)"
            )
        mode = self.path.stat().st_mode
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or \
                not os.access(self.path, os.W_OK):
            raise WorkbookReadOnly(
                f"'{self.path.name}' is read-only. Clear its read-only attribute (file "
                "properties) or save a copy under another name, then try again."
            )
        if not os.access(self.path.parent, os.W_OK):
            raise WorkbookReadOnly(
                f"The folder '{self.path.parent}' is read-only: kakobuy saves next to the "
                "workbook. Move the workbook to a folder you can write to."
            )

    def _render_parts(self, progress: Progress) -> tuple[dict[str, bytes], frozenset[str]]:
        replace: dict[str, bytes] = {}
        remove: set[str] = set()
        reported = {s.part for s in self._sheets if s.name.casefold() in self._reports}
        todo = [(part, cells) for part, cells in self._writes.items()
                if cells and part not in reported]
        for i, (part, cells) in enumerate(todo, 1):
            xml, last_row, last_col = sx.rewrite_cells(
                self._part(part), cells, self._style_for, self.date1904)
            replace[part] = sx.grow_dimension(xml, last_row, last_col)
            sheet = next(s for s in self._sheets if s.part == part)
            if self._appends.get(part):
                for table in sheet.tables:
                    grown = self._grow_table(table, last_row)
                    if grown is not None:
                        replace[table.part] = grown
            progress("write", i, len(todo))
        report_formulas = self._render_reports(replace, remove) if self._reports else False
        if self._styles is not None and self._styles.changed:
            replace["xl/styles.xml"] = self._styles.to_bytes()
        if self._overwrites_formula() or report_formulas:
            remove |= self._drop_calc_chain(replace)
        return replace, frozenset(remove)

    def _overwrites_formula(self) -> bool:
        for part, cells in self._writes.items():
            formulas, _ = self._special_cells(part)
            if any(col in cells.get(row, {}) for row, col in formulas):
                return True
        return False

    def _drop_calc_chain(self, replace: dict[str, bytes]) -> set[str]:
        """Remove calcChain.xml (Excel rebuilds it) when a formula cell was overwritten.

        A calculation chain naming a cell that no longer holds a formula makes Excel
        report the file as damaged.
        """
        rels_name = _rels_path("xl/workbook.xml")
        chain = [t for _i, typ, t in self._rels("xl/workbook.xml") if typ == REL_CALC_CHAIN]
        if not chain:
            return set()
        rels = _xml(replace.get(rels_name) or self._part(rels_name), rels_name)
        for rel in list(rels):
            if rel.get("Type") == REL_CALC_CHAIN:
                rels.remove(rel)
        replace[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                            standalone=True)
        types = _xml(replace.get("[Content_Types].xml") or self._part("[Content_Types].xml"),
                     "[Content_Types].xml")
        for el in list(types):
            if el.get("PartName", "").lstrip("/") in chain:
                types.remove(el)
        replace["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                        encoding="UTF-8", standalone=True)
        return set(chain)

    def _grow_table(self, table: _Table, last_row: int) -> bytes | None:
        r1, c1, r2, c2 = sx.parse_ref(table.ref)
        if last_row <= r2:
            return None
        root = _xml(table.xml, table.part)
        new_ref = sx.make_ref(r1, c1, last_row, c2)
        root.set("ref", new_ref)
        af = root.find(_q("autoFilter"))
        if af is not None:
            af.set("ref", new_ref)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def save(self, progress: Progress = no_progress) -> None:
        """Write the staged changes: temp file, backup of the old file, atomic replace."""
        if not self.has_changes:
            return
        self.check_writable()
        replace, remove = self._render_parts(progress)
        folder = self.path.parent
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".kakobuy-tmp",
                                        dir=folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as dst:
                # Big parts are deflated faster (level 1); the file grows a little.
                rewrite_zip(io.BytesIO(self._zip_bytes), dst, replace, remove=remove,
                            level_for=lambda size: 1 if size > 8_000_000 else 6)
                dst.flush()
                os.fsync(dst.fileno())
            shutil.copymode(self.path, tmp)
            shutil.copy2(self.path, backup_path(self.path))
            os.replace(tmp, self.path)
        except ZipTooLarge as exc:
            raise WorkbookError(f"'{self.path.name}' is too large to save ({exc}).") from exc
        except PermissionError as exc:
            raise WorkbookLocked(
                f"'{self.path.name}' could not be replaced: another program (probably Excel) "
                f"holds it. Close it there and try again. Nothing was changed. ({exc.strerror})"
            ) from exc
        except OSError as exc:
            raise WorkbookError(
                f"'{self.path.name}' could not be saved ({exc.strerror}). Nothing was changed."
            ) from exc
        finally:
            if tmp.exists():
                tmp.unlink()
        progress("save", 1, 1)
        written = self._predicted_tables() if self.cache is not None else {}
        # Tables of parts this save did not touch are still valid under their keys.
        untouched = {k: v for k, (part, v) in self._fresh.items()
                     if part not in self._writes and part not in replace}
        # The saved file is the new baseline for anything staged afterwards.
        self.__init__(self.path, self.cache)  # type: ignore[misc]
        for cache_key, data in untouched.items():
            self.cache.put(cache_key, data)  # type: ignore[union-attr]
        for name, data in written.items():
            s = self._sheet(name)
            key = self._cache_key(s, self._table_for(s, name), name)
            if key is not None:
                self.cache.put(key, data)  # type: ignore[union-attr]

    def _predicted_tables(self) -> dict[str, TableData]:
        """The tables as they read after this save: what was read, plus what was written.

        Built from what kakobuy itself wrote, so the next refresh need not parse the
        sheets it just saved; tests check it equals a fresh read.
        """
        out: dict[str, TableData] = {}
        for requested, data in self._table_cache.items():
            part = self._sheet(requested).part
            cells = self._writes.get(part)
            if not cells:
                continue
            frame = data.frame
            new_rows = sorted(r for r in cells if r not in frame.index)
            if new_rows:
                block = np.full((len(new_rows), len(frame.columns)), None, dtype=object)
                frame = pd.concat([frame, pd.DataFrame(block, index=new_rows, columns=frame.columns,
                                                       dtype=object)])
            else:
                frame = frame.copy()
            by_col: dict[int, tuple[list[int], list[Any]]] = {}
            for row, values in cells.items():
                for col, value in values.items():
                    rows_c, vals_c = by_col.setdefault(col, ([], []))
                    rows_c.append(row)
                    vals_c.append(value)
            written: set[tuple[int, str]] = set()
            for col, (rows_c, vals_c) in by_col.items():
                i = col - data.first_col
                if not 0 <= i < len(data.headers):
                    continue
                header = data.headers[i]
                frame.loc[rows_c, header] = pd.Series([_as_read(v) for v in vals_c],
                                                      index=rows_c, dtype=object)
                written.update((r, header) for r in rows_c)
            last = max([data.last_row] + new_rows)
            out[requested] = TableData(
                sheet=data.sheet, table=data.table, header_row=data.header_row,
                first_col=data.first_col, headers=list(data.headers), frame=frame,
                last_row=last, formula_cells=set(data.formula_cells),
                error_cells={k: v for k, v in data.error_cells.items() if k not in written},
            )
        return out


def _as_read(value: Any) -> Any:
    """A written value as reading the saved file gives it back."""
    if sx.is_empty(value) or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, str):
        return value if len(value) <= sx.MAX_CELL_TEXT else value[: sx.MAX_CELL_TEXT - 1] + "\u2026"
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        return None if np.isinf(f) else f
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


