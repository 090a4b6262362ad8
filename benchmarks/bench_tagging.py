"""Benchmark: what tagged PDF/UA output costs, in build time and file size.

For each document on each page layout it builds the same PDF twice, in turn, within
each repetition: tagged (what `render_pdf` makes) and untagged (`render_pages(...,
tagged=False)`, as a booklet's pages are laid out). Same process, same warm caches,
interleaved, so load from other processes hits both alike. It also times, within the
tagged builds, `leaflet.render.tagged.write_structure`: the step that turns the
recorded structure into PDF objects as the canvas saves.

    python benchmarks/bench_tagging.py                    # a4, all documents, 25 repeats
    python benchmarks/bench_tagging.py --layouts a4 letter --repeat 40 --json tagging.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from bench_build import time_runs

import leaflet
from leaflet.render import canvas as build_canvas
from leaflet.render import pages as page_format
from leaflet.render.prepare import Build


def measure(document: str, layout_name: str, repeat: int) -> dict[str, Any]:
    content = leaflet.load_treatment("microneedling").document(document)
    build = Build(
        content, leaflet.load_brand(), leaflet.load_layout(layout_name), leaflet.Personalisation()
    )
    tree_writing: list[float] = []
    write_structure = build_canvas.write_structure

    def timed_write(*args: Any) -> None:
        start = time.perf_counter()
        write_structure(*args)
        tree_writing.append(time.perf_counter() - start)

    tagged = page_format.render_pages(build)
    untagged = page_format.render_pages(build, tagged=False)
    build_canvas.write_structure = timed_write  # type: ignore[assignment]
    try:
        times = time_runs(
            {
                "tagged": lambda: page_format.render_pages(build),
                "untagged": lambda: page_format.render_pages(build, tagged=False),
            },
            repeat,
        )
    finally:
        build_canvas.write_structure = write_structure
    times["tree writing"] = tree_writing[1:]  # the first was the untimed call
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    minimums = {name: min(values) * 1000 for name, values in times.items()}
    return {
        "document": document,
        "layout": layout_name,
        "pages": tagged.page_count,
        "tagged KB": len(tagged.data) / 1024,
        "untagged KB": len(untagged.data) / 1024,
        "median ms": medians,
        "min ms": minimums,
        "ratio": medians["tagged"] / medians["untagged"],
        "min ratio": minimums["tagged"] / minimums["untagged"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", nargs="+", default=["a4"])
    parser.add_argument("--documents", nargs="+", default=["info", "consent", "aftercare"])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args()
    rows = [
        measure(document, layout, args.repeat)
        for layout in args.layouts
        for document in args.documents
    ]
    print(
        f"{'layout':<12}{'document':<11}{'pages':>5}{'untagged':>10}{'tagged':>9}"
        f"{'tree':>11}{'ratio':>7}{'min ratio':>10}{'KB untagged':>13}{'KB tagged':>11}"
    )
    for row in rows:
        median = row["median ms"]
        print(
            f"{row['layout']:<12}{row['document']:<11}{row['pages']:>5}"
            f"{median['untagged']:>8.1f}ms{median['tagged']:>7.1f}ms"
            f"{median['tree writing']:>9.1f}ms{row['ratio']:>7.2f}{row['min ratio']:>10.2f}"
            f"{row['untagged KB']:>13.1f}{row['tagged KB']:>11.1f}"
        )
    print(
        "\nms are medians of interleaved warm builds; ratio = tagged / untagged median,"
        " min ratio = the same with minimums (steadier on a busy machine); tree = writing"
        " the structure tree, within the tagged build."
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
