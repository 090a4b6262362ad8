"""Benchmark: how long leaflet takes to build each document, and how big the PDFs are.

For every document (info, consent, aftercare) on every layout (a4, letter) it measures:

* warm build: ``leaflet.render_pdf`` with content, brand and layout already loaded in
  this process (one untimed warm-up, then ``--repeat`` timed runs; median and min);
* load + build: ``leaflet.load_treatment`` + ``.document(name)`` + ``render_pdf`` on
  each repetition (brand and layout stay loaded); median;
* process: the whole ``leaflet <doc> --layout <layout> -o <tmpfile>`` command as a
  subprocess (interpreter start, imports, font registration, build, write); median of
  ``--process-repeat`` runs;
* the PDF's size (KB = 1024 bytes) and page count;
* a reference: the same rendered wording as plain ReportLab ``Paragraph``s in
  ``SimpleDocTemplate`` (same fonts, sizes, page size and text frame; no tables, boxes,
  header, footer, QR code or outline), timed like the warm build. The ratio
  leaflet / reference says what leaflet's layout costs over the bare text.

Targets, printed as PASS/FAIL lines: every PDF at most 150 KB; warm build at most 1.5x
the reference.

Run from anywhere with the package installed::

    python benchmarks/bench_build.py                     # everything, about 1.5 minutes
    python benchmarks/bench_build.py --layouts a4 --documents consent --json out.json
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import reportlab
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

import leaflet
from leaflet import Personalisation

KB = 1024
MAX_SIZE_KB = 150.0
MAX_RATIO = 1.5
MIN_REPEAT = 20
MIN_PROCESS_REPEAT = 5
BULLET = "\u2022"


# --- timing ---------------------------------------------------------------------------


def time_runs(
    runs: dict[str, Callable[[], Any]], repeat: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds taken by each of `repeat` calls of every function in `runs`.

    Each function is first called `warmup` times untimed. The functions are then timed in
    turn within each repetition (interleaved), so a burst of load from another process
    affects leaflet and its reference alike rather than skewing their ratio. Garbage is
    collected once before the series; the collector stays on during it, as in real use.
    """
    for run in runs.values():
        for _ in range(warmup):
            run()
    gc.collect()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- the plain ReportLab reference ----------------------------------------------------


def reference_sheet(brand: leaflet.Brand, layout: leaflet.Layout) -> dict[str, ParagraphStyle]:
    """A simple stylesheet: the layout's style names, fonts, sizes, leading and spacing,
    in the brand's registered fonts, without colours or inheritance."""
    styled = layout.styles(brand.fonts, brand.colour)
    sheet = {
        name: ParagraphStyle(
            name,
            fontName=style.fontName,
            fontSize=style.fontSize,
            leading=style.leading,
            spaceBefore=style.spaceBefore,
            spaceAfter=style.spaceAfter,
        )
        for name, style in styled.items()
    }
    bullet = sheet.get("bullet", sheet["body"])
    sheet["_bullet"] = ParagraphStyle(
        "_bullet",
        parent=bullet,
        leftIndent=bullet.fontSize * 1.3,
        bulletIndent=0,
        bulletFontName=brand.fonts.regular,
        bulletFontSize=bullet.fontSize,
    )
    return sheet


def template_variables(document: Any, brand: leaflet.Brand) -> dict[str, dict[str, Any]]:
    """The template variables render_pdf passes to the wording (no personal details)."""
    return {
        "clinic": brand.template_values(),
        **Personalisation().template_values(document.meta.language),
    }


def reference_story(rendered: Any, sheet: dict[str, ParagraphStyle], clinic: Any) -> list[Flowable]:
    """Every text of a rendered document (schema.Document) as a plain Paragraph, with the
    texts leaflet adds itself: the clinic's contact details and "About this leaflet"."""

    def style(name: str) -> ParagraphStyle:
        return sheet.get(name, sheet["body"])

    story: list[Flowable] = []

    def para(text: str | None, name: str = "body") -> None:
        if text:
            story.append(Paragraph(text, style(name)))

    def bullets(items: list[str]) -> None:
        story.extend(Paragraph(text, sheet["_bullet"], bulletText=BULLET) for text in items)

    def fields(items: list[Any]) -> None:
        for item in items:
            para(item.label, "table_head")
            para(item.value, "table")

    para(_escape(rendered.meta.title), "title")
    para(_escape(rendered.meta.subtitle), "subtitle")
    for block in rendered.blocks:
        kind = next(iter(type(block).model_fields))
        value = getattr(block, kind)
        if kind == "heading":
            para(value, "h2")
        elif kind == "subheading":
            para(value, "h3")
        elif kind == "paragraph":
            para(value)
        elif kind == "bullets":
            bullets(value)
        elif kind == "callout":
            para(value.title, "box_title")
            para(value.text)
            bullets(value.bullets)
        elif kind in ("checklist", "photo_consent", "declarations"):
            para(value.title, "h3")
            para(value.intro)
            if kind != "declarations":
                para(f"{value.yes_label} / {value.no_label}", "table_head")
            for item in value.items:
                para(item.text, "table")
        elif kind in ("fields", "patient_details"):
            para(value.title, "h3")
            para(value.intro)
            fields(value.items)
        elif kind == "signatures":
            para(value.title, "h3")
            para(value.intro)
            for party in value.parties:
                para(party.title, "box_title")
                para(party.note, "small")
                fields(party.fields)
        elif kind == "timeline":
            para(value.title, "h3")
            for period in value.periods:
                para(period.period, "box_title")
                para(period.expect)
                for label, items in (("Do", period.do), ("Avoid", period.avoid)):
                    if items:
                        para(label, "box_title")
                        bullets(items)
        elif kind == "contact":
            para(value.title, "box_title")
            para(value.text)
            for line in (
                clinic.name,
                ", ".join(clinic.address),
                f"Phone: {clinic.phone}",
                f"Email: {clinic.email}",
                f"Website: {clinic.website or ''}",
                clinic.out_of_hours,
            ):
                para(_escape(line), "small")
        else:  # a block type added after this benchmark: all its text, as body text
            for text in _strings(value):
                para(text)
    meta = rendered.meta
    para("About this leaflet", "box_title")
    for line in (
        f"Reference: {meta.reference}, version {meta.version}",
        f"Approved by: {meta.approved_by}",
        f"Published: {meta.published}",
        f"Next review: {meta.review}",
        "Sources: " + "; ".join(meta.sources),
        f"Large print: ask us on {clinic.phone}.",
        f"Feedback: {clinic.feedback}",
    ):
        para(_escape(line), "small")
    story.append(Spacer(0, 1))
    return story


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if hasattr(value, "model_dump"):
        return [
            text for key, item in value if key not in ("id", "style") for text in _strings(item)
        ]
    return []


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reference_pdf(
    document: Any, brand: leaflet.Brand, layout: leaflet.Layout, sheet: dict[str, ParagraphStyle]
) -> tuple[bytes, int]:
    """Render the wording as render_pdf does, then build it as plain paragraphs."""
    rendered = document.render(template_variables(document, brand), brand.fonts)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=(layout.page_width, layout.page_height),
        leftMargin=layout.margin_left,
        rightMargin=layout.margin_right,
        topMargin=layout.margin_top + layout.header_height + layout.header_gap,
        bottomMargin=layout.margin_bottom + layout.footer_height,
        invariant=1,
        initialFontName=brand.fonts.regular,
    )
    template.build(reference_story(rendered, sheet, brand.clinic))
    return buffer.getvalue(), template.page


# --- measuring one document on one layout ---------------------------------------------


@dataclass
class Result:
    layout: str
    document: str
    pages: int
    size_bytes: int
    size_kb: float
    warm_median_ms: float
    warm_min_ms: float
    load_build_median_ms: float
    process_median_ms: float | None
    reference_median_ms: float
    reference_min_ms: float
    reference_pages: int
    reference_size_kb: float
    ratio: float
    ratio_min: float
    cli_pdf_identical: bool | None
    samples_ms: dict[str, list[float]] = field(default_factory=dict)
    vs_a4: float | None = None  # warm median / the same document's warm median on a4


class CommandFailed(Exception):
    """The `leaflet` command failed; the message carries the end of its stderr."""


def run_command(command: list[str]) -> None:
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise CommandFailed(f"{' '.join(command)} exited with status {done.returncode}:\n{tail}")


def leaflet_command() -> list[str]:
    """The `leaflet` console script installed with this interpreter (as a clinic runs it),
    not the first on PATH, which may be another install's; else `python -m leaflet`."""
    script = Path(sys.executable).with_name("leaflet")
    return [str(script)] if script.exists() else [sys.executable, "-m", "leaflet"]


def measure(
    treatment_slug: str,
    document_name: str,
    layout_name: str,
    brand: leaflet.Brand,
    args: argparse.Namespace,
    workdir: Path,
) -> Result:
    layout = leaflet.load_layout(layout_name)
    document = leaflet.load_treatment(treatment_slug).document(document_name)

    # 1. warm build; 1b. load + build, with a fresh Treatment each time so the content is
    # read and compiled again; 4. the reference. All three timed in the same repetitions.
    pdf = leaflet.render_pdf(document, brand, layout)
    sheet = reference_sheet(brand, layout)
    ref_data, ref_pages = reference_pdf(document, brand, layout, sheet)

    def load_and_build() -> None:
        fresh = leaflet.load_treatment(treatment_slug).document(document_name)
        leaflet.render_pdf(fresh, brand, layout)

    timed = time_runs(
        {
            "warm": lambda: leaflet.render_pdf(document, brand, layout),
            "load_build": load_and_build,
            "reference": lambda: reference_pdf(document, brand, layout, sheet),
        },
        args.repeat,
    )
    warm, load_build, reference = timed["warm"], timed["load_build"], timed["reference"]

    # 2. whole process
    process: list[float] = []
    identical = None
    if args.process_repeat:
        target = workdir / f"{treatment_slug}-{document_name}-{layout_name}.pdf"
        command = [
            *leaflet_command(),
            document_name,
            "--treatment",
            treatment_slug,
            "--layout",
            layout_name,
            "-o",
            str(target),
        ]

        def run_process() -> None:
            run_command(command)

        process = time_runs({"process": run_process}, args.process_repeat, warmup=0)["process"]
        identical = target.read_bytes() == pdf.data

    warm_median = statistics.median(warm)
    ref_median = statistics.median(reference)
    return Result(
        layout=layout_name,
        document=document_name,
        pages=pdf.page_count,
        size_bytes=len(pdf.data),
        size_kb=round(len(pdf.data) / KB, 1),
        warm_median_ms=ms(warm_median),
        warm_min_ms=ms(min(warm)),
        load_build_median_ms=ms(statistics.median(load_build)),
        process_median_ms=ms(statistics.median(process)) if process else None,
        reference_median_ms=ms(ref_median),
        reference_min_ms=ms(min(reference)),
        reference_pages=ref_pages,
        reference_size_kb=round(len(ref_data) / KB, 1),
        ratio=round(warm_median / ref_median, 2),
        ratio_min=round(min(warm) / min(reference), 2),
        cli_pdf_identical=identical,
        samples_ms={
            "warm": [ms(t) for t in warm],
            "load_build": [ms(t) for t in load_build],
            "process": [ms(t) for t in process],
            "reference": [ms(t) for t in reference],
        },
    )


# --- reporting ------------------------------------------------------------------------

COLUMNS = [
    ("layout", "layout", "{}"),
    ("document", "document", "{}"),
    ("pages", "pages", "{}"),
    ("size KB", "size_kb", "{:.1f}"),
    ("warm med ms", "warm_median_ms", "{:.1f}"),
    ("warm min ms", "warm_min_ms", "{:.1f}"),
    ("load+build ms", "load_build_median_ms", "{:.1f}"),
    ("process ms", "process_median_ms", "{:.0f}"),
    ("ref med ms", "reference_median_ms", "{:.1f}"),
    ("ref min ms", "reference_min_ms", "{:.1f}"),
    ("ref pages", "reference_pages", "{}"),
    ("ratio", "ratio", "{:.2f}x"),
    ("min ratio", "ratio_min", "{:.2f}x"),
    ("vs a4", "vs_a4", "{:.2f}x"),
]
#: The layouts the warm-build target (at most MAX_RATIO x the reference) applies to: the
#: foundation's page layouts. Imposed and folded formats are reported against a4 instead.
RATIO_TARGET_LAYOUTS = ("a4", "letter")


def table(results: list[Result]) -> str:
    rows = [[title for title, _, _ in COLUMNS]]
    for result in results:
        values = asdict(result)
        rows.append(
            ["-" if values[key] is None else fmt.format(values[key]) for _, key, fmt in COLUMNS]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def targets(results: list[Result]) -> list[dict[str, Any]]:
    checks = []
    for r in results:
        name = f"{r.layout}/{r.document}"
        checks.append(
            {
                "name": name,
                "target": "size",
                "passed": r.size_kb <= MAX_SIZE_KB,
                "text": f"{name:<18} size {r.size_kb:.1f} KB (limit {MAX_SIZE_KB:.0f} KB)",
            }
        )
        if r.layout not in RATIO_TARGET_LAYOUTS:
            continue
        checks.append(
            {
                "name": name,
                "target": "ratio",
                "passed": r.ratio <= MAX_RATIO,
                "text": f"{name:<18} warm build {r.warm_median_ms:.1f} ms = {r.ratio:.2f}x "
                f"reference {r.reference_median_ms:.1f} ms (limit {MAX_RATIO}x)",
            }
        )
    return checks


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "leaflet": leaflet.__version__,
        "reportlab": reportlab.Version,
        "leaflet_path": str(Path(leaflet.__file__).resolve().parent),
        "command": leaflet_command(),
        **git_state(),
    }


def git_state() -> dict[str, Any]:
    """The commit of the checkout leaflet is imported from, and whether it has local
    changes (read-only: no index refresh, no locks)."""
    root = Path(leaflet.__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "--no-optional-locks", "-C", str(root), *args],
                capture_output=True,
                text=True,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        # Strip only line ends: porcelain lines start with a status column that may be blank.
        return done.stdout.rstrip("\n") if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is not None:
        commit = commit.strip()
    if commit is None:
        return {"git_commit": None, "git_changed_files": None}
    changed = git(
        "status", "--porcelain", "--untracked-files=no", "--", "leaflet", "content", "layouts"
    )
    return {
        "git_commit": commit,
        "git_changed_files": [line[3:] for line in (changed or "").splitlines()],
    }


def profile_build(
    treatment_slug: str, document_name: str, layout_name: str, brand: leaflet.Brand, top: int = 15
) -> str:
    """cProfile of one warm build, top functions by cumulative time."""
    layout = leaflet.load_layout(layout_name)
    document = leaflet.load_treatment(treatment_slug).document(document_name)
    leaflet.render_pdf(document, brand, layout)  # warm-up
    profiler = cProfile.Profile()
    profiler.runcall(leaflet.render_pdf, document, brand, layout)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --- command line ---------------------------------------------------------------------


def _names(
    values: list[str], known: list[str], what: str, parser: argparse.ArgumentParser
) -> list[str]:
    names = [name for value in values for name in value.split(",") if name]
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return list(dict.fromkeys(names))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    layouts = leaflet.known_layouts()
    parser = argparse.ArgumentParser(
        description="Time leaflet builds and PDF sizes against a plain ReportLab reference."
    )
    parser.add_argument(
        "--documents",
        nargs="+",
        default=list(leaflet.DOCUMENTS),
        metavar="DOC",
        help=f"documents to build (default: "
        f"{' '.join(leaflet.DOCUMENTS)}); space- or comma-separated",
    )
    parser.add_argument(
        "--layouts",
        nargs="+",
        default=layouts,
        metavar="LAYOUT",
        help=f"layouts to build on (default: {' '.join(layouts)})",
    )
    parser.add_argument(
        "--treatment",
        default="microneedling",
        help="treatment in the built-in content (default: microneedling)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=25,
        help=f"timed in-process builds per figure (default 25, at least {MIN_REPEAT})",
    )
    parser.add_argument(
        "--process-repeat",
        type=int,
        default=7,
        help=f"timed `leaflet` subprocess runs per document and layout "
        f"(default 7, at least {MIN_PROCESS_REPEAT}; 0 skips them)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write all figures here")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="consent",
        metavar="DOC",
        choices=leaflet.DOCUMENTS,
        help="also print a cProfile (top 15 by cumulative time) of one warm "
        "build of DOC (default consent) on the first layout",
    )
    parser.add_argument(
        "--fail-on-target", action="store_true", help="exit with status 1 if any target fails"
    )
    args = parser.parse_args(argv)
    args.documents = _names(args.documents, list(leaflet.DOCUMENTS), "document", parser)
    args.layouts = _names(args.layouts, layouts, "layout", parser)
    if args.repeat < MIN_REPEAT:
        parser.error(f"--repeat must be at least {MIN_REPEAT}")
    if args.process_repeat and args.process_repeat < MIN_PROCESS_REPEAT:
        parser.error(f"--process-repeat must be 0 or at least {MIN_PROCESS_REPEAT}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    brand = leaflet.load_brand()
    env = environment()
    print(
        f"leaflet {env['leaflet']}, ReportLab {env['reportlab']}, Python {env['python']}, "
        f"{env['cpus']} CPUs; {args.repeat} in-process runs, "
        f"{args.process_repeat} process runs per figure",
        flush=True,
    )
    print(f"leaflet imported from {env['leaflet_path']}", flush=True)
    if env["git_commit"]:
        print(
            f"commit {env['git_commit'][:10]}"
            + (" with local changes" if env["git_changed_files"] else ""),
            flush=True,
        )

    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="leaflet-bench-") as tmp:
        workdir = Path(tmp)
        try:
            if args.process_repeat:  # one untimed run fills the OS file cache and .pyc files
                run_command(
                    [
                        *leaflet_command(),
                        args.documents[0],
                        "--treatment",
                        args.treatment,
                        "-o",
                        str(workdir / "warmup.pdf"),
                    ]
                )
            for layout_name in args.layouts:
                holds = leaflet.load_layout(layout_name).spec.documents
                for document_name in args.documents:
                    if holds is not None and document_name not in holds:
                        continue  # e.g. a consent form is never a tri-fold
                    print(
                        f"  measuring {layout_name}/{document_name}...", file=sys.stderr, flush=True
                    )
                    results.append(
                        measure(args.treatment, document_name, layout_name, brand, args, workdir)
                    )
        except (CommandFailed, leaflet.LeafletError) as err:
            print(f"benchmark stopped: {err}", file=sys.stderr)
            return 2
    elapsed = time.perf_counter() - started
    on_a4 = {r.document: r.warm_median_ms for r in results if r.layout == "a4"}
    for result in results:
        if result.document in on_a4:
            result.vs_a4 = result.warm_median_ms / on_a4[result.document]

    print()
    print(table(results))
    print()
    print(
        "ratio = warm median / reference median (the target); min ratio = warm min / "
        "reference min,\nsteadier on a busy machine. process = whole `leaflet` command."
    )
    mismatched = [f"{r.layout}/{r.document}" for r in results if r.cli_pdf_identical is False]
    if mismatched:
        print(
            f"note: the CLI's PDF differs from the library's for {', '.join(mismatched)} "
            "(package files edited during the run, or the CLI's defaults differ)"
        )
    if env["git_changed_files"]:
        print(
            f"note: measured with uncommitted changes to "
            f"{', '.join(env['git_changed_files'])} (commit {env['git_commit'][:10]})"
        )
    print()
    checks = targets(results)
    for check in checks:
        print(f"{'PASS' if check['passed'] else 'FAIL'}  {check['text']}")
    failed = sum(not check["passed"] for check in checks)
    print(f"\n{len(checks) - failed} of {len(checks)} targets met; took {elapsed:.0f} s")

    profile = None
    if args.profile:
        profile = profile_build(args.treatment, args.profile, args.layouts[0], brand)
        print(f"\nProfile of one warm {args.layouts[0]}/{args.profile} build:")
        print(profile)

    if args.json:
        payload = {
            "environment": env,
            "settings": {
                "treatment": args.treatment,
                "repeat": args.repeat,
                "process_repeat": args.process_repeat,
                "documents": args.documents,
                "layouts": args.layouts,
            },
            "targets": {
                "max_size_kb": MAX_SIZE_KB,
                "max_ratio": MAX_RATIO,
                "checks": checks,
                "all_passed": failed == 0,
            },
            "results": [asdict(r) for r in results],
            "elapsed_s": round(elapsed, 1),
            "profile": profile,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.json}")
    return 1 if failed and args.fail_on_target else 0


if __name__ == "__main__":
    sys.exit(main())
