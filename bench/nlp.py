"""Benchmark message intelligence: messages per second, cold and from the cache.

    python bench/nlp.py --rows 100000

Cold: language + sentiment + negative flags + intent over N distinct synthetic chat
messages, nothing cached (one process). Cached: the same call again, every row a cache
hit. Also how long `kakobuy --help` takes (the command's import time). The last line is
``rows=N cold_msgs_per_s=X cached_rows_per_s=Y help_s=Z``. Figures, never asserted.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time

import pandas as pd

from kakobuy_xl.nlp.analysis import analyse_messages
from kakobuy_xl.nlp.cache import MemoryResultCache

PHRASES = [
    "where is my order {n}??", "mi pedido {n} no ha llegado todavía", "colis {n} toujours pas reçu",
    "Paket {n} ist kaputt angekommen", "ordine {n} sbagliato, ho ricevuto un altro colore",
    "o pedido {n} veio com defeito", "注文{n}がまだ届きません", "주문 {n} 환불해 주세요",
    "订单{n}还没收到，怎么回事", "заказ {n} до сих пор не пришёл", "لم يصل طلبي رقم {n}",
    "đơn {n} giao sai màu rồi shop ơi", "สั่งของไป {n} ยังไม่ได้รับเลย", "pesanan {n} belum sampai kak",
    "sipariş {n} hâlâ gelmedi", "bestelling {n} is beschadigd", "zamówienie {n} nie dotarło",
    "thanks so much, love it!! {n}", "can I change the address for {n}?", "ok",
]


def messages(n: int, seed: int = 1) -> pd.Series:
    rng = random.Random(seed)
    return pd.Series([rng.choice(PHRASES).format(n=f"ORD-{i:06d}") + rng.choice(["", " 😡", " 🙏", "!!"])
                      for i in range(n)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    args = p.parse_args(argv)
    texts = messages(args.rows)
    analyse_messages(texts.head(50))  # load the models: not part of the figures
    cache = MemoryResultCache()
    t0 = time.perf_counter()
    analyse_messages(texts, cache=cache)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyse_messages(texts, cache=cache)
    cached = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kakobuy_xl.cli", "--help"], check=True,
                   capture_output=True)
    help_s = time.perf_counter() - t0
    print(f"cold: {cold:.2f}s for {args.rows:,} messages; cached: {cached:.2f}s")
    print(f"rows={args.rows} cold_msgs_per_s={args.rows / cold:,.0f} "
          f"cached_rows_per_s={args.rows / cached:,.0f} help_s={help_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
