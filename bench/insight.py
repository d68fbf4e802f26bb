"""Benchmark the optimise loop on a synthetic workbook of N interactions.

    python bench/insight.py --rows 100000 [--seed 1]

Works on a refreshed copy of the bench workbook (``make_workbook.py``; N interactions,
N // 10 disputes, N // 5 orders), so message analysis is cached as after a user's
refresh. Prints one line per measurement and, last, exactly
``rows=N service_s=X monthly_s=Y plan_s=Z notify_s=W``:

service_s   ``kakobuy report service``: read + validate, the refresh steps it needs
            (warm cache), service metrics for every grouping, trend findings, the sheet
            and its charts, save.
monthly_s   ``kakobuy report monthly`` for the last complete month, the same way.
plan_s      ``kakobuy plan`` of one dispute (reads the workbook, risk for every dispute).
notify_s    ``kakobuy notify-delay --country TH,VN --dry-run`` (drafts, nothing saved).

Core parts are also timed on their own (frames already in memory): metrics, findings,
risk, planner recommendations, customer profiles, routing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_workbook import FIXED_NOW  # noqa: E402
from refresh import ensure_workbook  # noqa: E402

from kakobuy_xl import api, customers, disputes, metrics, planner, risk, routing, trends  # noqa: E402
from kakobuy_xl import refresh as refresh_mod  # noqa: E402
from kakobuy_xl.io.xlsx import FileWorkbook  # noqa: E402
from kakobuy_xl.sla import BusinessCalendar  # noqa: E402


def timed(label: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    took = time.perf_counter() - t0
    print(f"{label:<34} {took:7.2f} s", flush=True)
    return out, took


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    src = ensure_workbook(args.rows, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shop.xlsx"
        shutil.copy(src, path)
        timed("refresh (cold, setup)", api.refresh, path, now=FIXED_NOW)

        # The core on frames already in memory.
        wb = FileWorkbook(path)
        settings = refresh_mod.read_settings(wb, {})
        result = refresh_mod.refresh(wb, settings, FIXED_NOW, dry_run=True,
                                     cache=api.result_cache())
        wb.close()
        f = {n: t.frame for n, t in result.tables.items() if t.usable}
        eff = disputes.effective(f["Disputes"])
        cal = BusinessCalendar.from_settings(settings)
        timed("  service metrics (5 groupings)", metrics.service_metrics_by,
              f["Interactions"], eff, f["Orders"], cal, FIXED_NOW, customers=f["Customers"])
        timed("  trend findings", trends.findings, eff, f["Orders"], FIXED_NOW)
        # With the result cache refresh uses: the grader has already scanned the texts.
        assessed, _ = timed("  escalation risk", risk.assess_risk, eff, f["Interactions"],
                            f["Orders"], FIXED_NOW, cache=api.result_cache())
        timed("  planner recommendations", planner.recommend_resolutions, eff, f["Orders"],
              assessed.scores["escalation_risk"])
        timed("  customer profiles", customers.customer_profiles, f["Customers"],
              f["Interactions"], eff, FIXED_NOW)
        timed("  routing", routing.route, f["Interactions"], "* -> Alex", disputes=eff)

        _, service = timed("report service", api.report, "service", path, now=FIXED_NOW)
        month = (FIXED_NOW.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        _, monthly = timed("report monthly", api.report, "monthly", path, month=month,
                           now=FIXED_NOW)
        dispute = str(eff.loc[~eff["status"].isin(["resolved", "closed"]),
                              "dispute_id"].iloc[0])
        _, plan = timed("plan", api.plan, dispute, path, now=FIXED_NOW)
        _, notify = timed("notify-delay --dry-run", api.notify_delay, path,
                          country="TH,VN", now=FIXED_NOW, dry_run=True)
    print(f"rows={args.rows} service_s={service:.2f} monthly_s={monthly:.2f} "
          f"plan_s={plan:.2f} notify_s={notify:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
