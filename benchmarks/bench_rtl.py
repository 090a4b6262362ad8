"""Right to left: warm builds of the Arabic documents against the English ones.

    python benchmarks/bench_rtl.py [--repeat N] [--layouts a4 large-print]

For each document, `render_pdf` of the Arabic translation and of the English source on
the same layout, interleaved (one Arabic, one English, ...) after one untimed warm-up
each, so a burst of other work on the machine hits both. Prints the median and minimum
of each and their ratio; the target (issue 16) is an Arabic warm build within 2x the
English one. A warm build reuses what one process has already shaped (a batch builds the
same wording for every patient); the first Arabic build in a process also reads the
Arabic font and shapes every word once (`cold ms`). Times are the process's CPU time
(`time.process_time`), which other work on a shared machine disturbs far less than
the clock; `--clock` times by the wall clock instead.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import leaflet

TARGET = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--layouts", nargs="+", default=["a4"])
    parser.add_argument("--documents", nargs="+", default=["info", "consent", "aftercare"])
    parser.add_argument("--clock", action="store_true", help="wall-clock time, not CPU time")
    args = parser.parse_args()
    timer = time.perf_counter if args.clock else time.process_time
    brand = leaflet.load_brand()
    treatment = leaflet.load_treatment("microneedling")
    failed = False
    print(
        f"{'document':10} {'layout':12} {'pages':>5} {'en ms':>13} {'ar ms':>13} "
        f"{'cold ms':>8} {'ratio':>6} {'min ratio':>9}"
    )
    for layout_name in args.layouts:
        layout = leaflet.load_layout(layout_name)
        for name in args.documents:
            english, arabic = treatment.document(name, "en-GB"), treatment.document(name, "ar")
            start = timer()
            pages = leaflet.render_pdf(arabic, brand, layout).page_count
            cold = (timer() - start) * 1000
            leaflet.render_pdf(english, brand, layout)
            times: dict[str, list[float]] = {"en": [], "ar": []}
            gc.collect()
            for _ in range(args.repeat):
                for key, document in (("ar", arabic), ("en", english)):
                    start = timer()
                    leaflet.render_pdf(document, brand, layout)
                    times[key].append((timer() - start) * 1000)
            en, ar = times["en"], times["ar"]
            ratio = statistics.median(ar) / statistics.median(en)
            failed |= ratio > TARGET
            en_ms = f"{statistics.median(en):6.1f}/{min(en):6.1f}"
            ar_ms = f"{statistics.median(ar):6.1f}/{min(ar):6.1f}"
            print(
                f"{name:10} {layout_name:12} {pages:5} {en_ms} {ar_ms} "
                f"{cold:8.0f} {ratio:6.2f} {min(ar) / min(en):9.2f}"
            )
    print(
        ("FAIL" if failed else "PASS") + f": every Arabic warm build within {TARGET}x the English"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
