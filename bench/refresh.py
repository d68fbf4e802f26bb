"""Benchmark a refresh of a synthetic workbook of N interactions.

    python bench/refresh.py --rows 100000 [--repeat 1] [--seed 1] [--profile]

Figures (printed, never asserted), the last line being exactly
``rows=N cold_s=X warm_s=Y io_s=Z peak_mb=W``:

cold_s   first ``kakobuy_xl.api.refresh(copy, now=FIXED_NOW)`` on a fresh copy of the
         generated workbook: read + validate + compute + write every owned cell + save.
warm_s   a second refresh of the same file, nothing changed: read + validate + compute
         + compare; nothing is written (the file is not saved).
io_s     the file I/O alone, on the refreshed copy: FileWorkbook(path) + read_table of
         every contract sheet + write_columns of every owned column of Interactions,
         Orders and Customers with new values for every row + save(). Building the new
         values is not timed.
peak_mb  peak resident set size of this process (ru_maxrss), in MB. The workbook is
         generated in a child process, so generation does not count.

With ``--repeat R`` each figure is measured R times on fresh copies and the best run is
reported (every run is printed). ``--profile`` adds a cProfile run of one more cold
refresh (on its own copy, after the timed runs, so the timings are not distorted) and
prints the top functions; the .prof file is kept under bench/out/.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import io
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import python_calamine  # noqa: F401  imported up front: not part of the figures

from kakobuy_xl import api, schema
from kakobuy_xl.io.tablecache import TableCache
from kakobuy_xl.io.xlsx import FileWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_workbook import FIXED_NOW, OUT_DIR, default_path, make_workbook  # noqa: E402

IO_SHEETS = (schema.INTERACTIONS, schema.ORDERS, schema.CUSTOMERS)


def peak_mb() -> float:
    """Peak RSS of this process in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def ensure_workbook(rows: int, seed: int) -> Path:
    """The cached workbook, generated in a child process so its memory is not ours."""
    cached = default_path(rows, seed)
    if not cached.exists():
        print(f"generating {cached.name} (once; cached under bench/out/) ...", flush=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(Path(__file__).with_name("make_workbook.py")),
                        "--rows", str(rows), "--seed", str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"generated in {time.perf_counter() - t0:.1f}s", flush=True)
    return make_workbook(None, rows, seed)


# --------------------------------------------------------------------------- timing
class Clock:
    """A progress sink that timestamps the refresh's stages."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.events: list[tuple[float, str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.events.append((time.perf_counter(), stage, done, total))

    def phases(self, end: float) -> dict[str, float]:
        """open, read+validate (with per sheet), compute (with per step), render, zip, reload."""
        ev = self.events
        out: dict[str, float] = {}

        def first(pred) -> int | None:
            return next((i for i, e in enumerate(ev) if pred(e)), None)

        def last(pred) -> int | None:
            idx = [i for i, e in enumerate(ev) if pred(e)]
            return idx[-1] if idx else None

        i_read0 = first(lambda e: e[1].startswith("read "))
        i_read = first(lambda e: e[1] == "read")
        i_comp = first(lambda e: e[1] == "compute")
        i_write = last(lambda e: e[1] == "write")
        i_save = first(lambda e: e[1] == "save")
        if i_read0 is None or i_read is None or i_comp is None:
            return out
        out["open+settings"] = ev[i_read0][0] - self.t0
        out["read+validate"] = ev[i_read][0] - ev[i_read0][0]
        for a, b in zip(ev[i_read0:i_read], ev[i_read0 + 1:i_read + 1]):
            out[f"  {a[1]}"] = b[0] - a[0]
        out["compute+diff"] = ev[i_comp][0] - ev[i_read][0]
        steps = [e for e in ev[i_read:i_comp + 1] if e[1].startswith("compute")]
        for a, b in zip(steps, steps[1:]):
            out[f"  {a[1]}"] = b[0] - a[0]
        if i_write is not None and i_save is not None:
            out["save: render parts"] = ev[i_write][0] - ev[i_comp][0]
            out["save: formula scan+zip+fsync+bak"] = ev[i_save][0] - ev[i_write][0]
            out["save: reload"] = end - ev[i_save][0]
        else:
            out["finish (nothing to save)"] = end - ev[i_comp][0]
        return out


class TimedIO:
    """A WorkbookIO that passes every call to a FileWorkbook and times the I/O ones."""

    def __init__(self, inner: FileWorkbook) -> None:
        self.inner = inner
        self.io_s = 0.0

    def _timed(self, name: str, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return getattr(self.inner, name)(*args, **kwargs)
        finally:
            self.io_s += time.perf_counter() - t0

    def sheet_names(self):
        return self._timed("sheet_names")

    def read_table(self, sheet):
        return self._timed("read_table", sheet)

    def write_columns(self, sheet, columns):
        return self._timed("write_columns", sheet, columns)

    def append_rows(self, sheet, rows, kinds=None):
        return self._timed("append_rows", sheet, rows, kinds)

    def write_sheet(self, report):
        return self._timed("write_sheet", report)

    def save(self, progress=None):
        return self._timed("save", progress) if progress else self._timed("save")

    @property
    def path(self):
        return self.inner.path

    @property
    def has_changes(self) -> bool:
        return self.inner.has_changes

    def close(self) -> None:
        self.inner.close()


def timed_refresh(path: Path, cache_dir: Path) -> tuple[float, dict[str, float], object]:
    """One api.refresh; the table cache lives in ``cache_dir`` (fresh for a cold run)."""
    clock = Clock()
    gc.collect()
    clock.t0 = t0 = time.perf_counter()
    cache = TableCache(cache_dir)
    wb = TimedIO(FileWorkbook(path, cache))
    result = api.refresh(wb, now=FIXED_NOW, progress=clock)
    end = time.perf_counter()
    # As between two commands: the first one's cache writes finish before the next runs.
    cache.flush()
    phases = clock.phases(end)
    phases["of which I/O (read, write, save)"] = wb.io_s
    return end - t0, phases, result


# --------------------------------------------------------------------------- io
def _new_values(col: schema.Column, index: pd.Index, rng: random.Random) -> pd.Series:
    """Plausible new values of an owned column for every row."""
    n = len(index)
    h = col.header
    if col.choices:
        vals = [rng.choice(col.choices) for _ in range(n)]
    elif col.kind == "int":
        vals = [rng.randrange(0, 60) for _ in range(n)]
    elif col.kind in ("number", "money", "percent"):
        vals = [round(rng.uniform(-1, 100), 2) for _ in range(n)]
    elif col.kind in ("date", "datetime"):
        vals = [FIXED_NOW - dt.timedelta(seconds=rng.randrange(365 * 86_400)) for _ in range(n)]
    elif h in ("Record Hash", "SHA-256"):
        vals = [hashlib.sha1(f"{h}{i}{rng.random()}".encode()).hexdigest()[:16] for i in range(n)]
    elif h == "Translation":
        vals = [rng.choice(("Where is my order?", "The item arrived damaged.",
                            "I would like a refund, please.", "Thanks, it arrived!"))
                for _ in range(n)]
    elif h in ("Language", "Language (auto)"):
        vals = [rng.choice(schema.LANGUAGES) for _ in range(n)]
    else:
        vals = [rng.choice(("", "late reply", "refund asked; angry", "ok", "watch"))
                or None for _ in range(n)]
    return pd.Series(vals, index=index, dtype=object)


def measure_io(path: Path) -> tuple[float, dict[str, float]]:
    """FileWorkbook + read every table + write every owned column of 3 sheets + save."""
    rng = random.Random(7)
    out: dict[str, float] = {}
    gc.collect()
    t0 = time.perf_counter()
    wb = FileWorkbook(path)
    t1 = time.perf_counter()
    out["open"] = t1 - t0
    tables = {}
    for s in schema.TABLE_SHEETS:
        ts = time.perf_counter()
        tables[s.name] = wb.read_table(s.name)
        out[f"  read_table {s.name}"] = time.perf_counter() - ts
    t2 = time.perf_counter()
    out["read_table (all)"] = t2 - t1

    # Not timed: building the new values.
    writes = {}
    for s in IO_SHEETS:
        index = tables[s.name].frame.index
        writes[s.name] = {c.header: (_new_values(c, index, rng), c.kind)
                          for c in s.owned_columns}

    t3 = time.perf_counter()
    for name, cols in writes.items():
        wb.write_columns(name, cols)
    t4 = time.perf_counter()
    out["write_columns"] = t4 - t3
    clock = Clock()
    clock.t0 = t4
    wb.save(progress=clock)
    t5 = time.perf_counter()
    writes_ev = [e for e in clock.events if e[1] == "write"]
    save_ev = [e for e in clock.events if e[1] == "save"]
    if writes_ev and save_ev:
        out["save: render parts"] = writes_ev[-1][0] - t4
        out["save: formula scan+zip+fsync+bak"] = save_ev[0][0] - writes_ev[-1][0]
        out["save: reload"] = t5 - save_ev[0][0]
    out["save (all)"] = t5 - t4
    cells = sum(len(c) * len(tables[n].frame) for n, c in writes.items())
    out["(cells written)"] = float(cells)
    return (t2 - t0) + (t5 - t3), out


# --------------------------------------------------------------------------- report
def show(title: str, total: float, parts: dict[str, float]) -> None:
    print(f"{title}: {total:.2f}s")
    for k, v in parts.items():
        if k.startswith("("):
            print(f"    {k:<34} {v:,.0f}")
        else:
            print(f"    {k:<34} {v:8.3f}s")


def profile_cold(src: Path, workdir: Path, rows: int, top: int = 35) -> None:
    copy = workdir / "profile.xlsx"
    shutil.copyfile(src, copy)
    prof = cProfile.Profile()
    prof.enable()
    api.refresh(copy, now=FIXED_NOW)
    prof.disable()
    dest = OUT_DIR / f"refresh-r{rows}.prof"
    prof.dump_stats(dest)
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"\n--- cProfile of a cold refresh, top {top} by {key} (saved to {dest}) ---")
        print(text[start:].rstrip())
    print()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, required=True, help="number of interactions (N)")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", action="store_true", help="also cProfile one cold refresh")
    args = p.parse_args(argv)

    src = ensure_workbook(args.rows, args.seed)
    print(f"workbook: {src} ({src.stat().st_size / 1e6:.1f} MB)")
    workdir = Path(tempfile.mkdtemp(prefix="kakobuy-bench-"))
    colds, warms, ios, cold_ios = [], [], [], []
    try:
        for run in range(1, args.repeat + 1):
            copy = workdir / f"run{run}.xlsx"
            shutil.copyfile(src, copy)
            cache_dir = workdir / f"cache{run}"  # empty: a cold start
            cold, cold_parts, r1 = timed_refresh(copy, cache_dir)
            show(f"[run {run}] cold refresh", cold, cold_parts)
            print(f"    cells changed: {r1.cells_changed:,}; saved: {r1.saved}; "
                  f"problems: {len(r1.problems):,}; peak so far {peak_mb():.0f} MB")
            warm, warm_parts, r2 = timed_refresh(copy, cache_dir)
            show(f"[run {run}] warm refresh", warm, warm_parts)
            print(f"    cells changed: {r2.cells_changed:,}; saved: {r2.saved}")
            if r2.cells_changed or r2.saved:
                print("    NOTE: the warm refresh wrote cells although nothing changed")
            io_s, io_parts = measure_io(copy)
            show(f"[run {run}] io (read + write + save)", io_s, io_parts)
            colds.append(cold)
            cold_ios.append(cold_parts["of which I/O (read, write, save)"])
            warms.append(warm)
            ios.append(io_s)
        peak = peak_mb()  # before the profiled run
        if args.profile:
            profile_cold(src, workdir, args.rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"rows={args.rows} cold_s={min(colds):.2f} warm_s={min(warms):.2f} "
          f"io_s={min(ios):.2f} cold_io_s={min(cold_ios):.2f} peak_mb={peak:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
