"""Appointment batches: CSV dialects, bad rows, safe file names, manifest, resume, jobs."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pikepdf
import pypdf
import pytest
from conftest import BRAND_NOTE, PATIENT, VERSION, invoke, normalise, read_pdf

import leaflet
from leaflet import (
    Appointment,
    BatchSettings,
    build_batch,
    parse_appointments,
    read_appointments,
    read_manifest,
)
from leaflet.packs.batch import LOCK_NAME
from leaflet.render.stamp import Placeholders, lay_out_base, stamp

HEADER = "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner"
ROWS = [
    "A1001,Zoë Ng,1985-04-23,zoe@example.com,microneedling,2026-12-01T10:30,Dr Sam Lee",
    'A1002,"Ann <b>O\'Brien</b> & Co",1979-11-02,,microneedling,2026-12-01T11:30,',
    "A1003,Łukasz Wróbel,,lw@example.org,microneedling,2026-12-02 09:05,Dr Priya Patel",
]
NAMES = {"A1001": "Zoë Ng", "A1002": PATIENT, "A1003": "Łukasz Wróbel"}


def write_csv(
    folder: Path,
    rows: list[str],
    header: str = HEADER,
    name: str = "day.csv",
) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def files_in(folder: Path) -> dict[str, bytes]:
    """The files a batch made in `folder` (not the lock file it keeps there)."""
    return {
        path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.name != LOCK_NAME
    }


def copy_of(out: Path, copy: Path) -> Path:
    """`copy`, made with the files a batch made in `out`, for a test to change."""
    copy.mkdir()
    for name, data in files_in(out).items():
        (copy / name).write_bytes(data)
    return copy


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    """The three example appointments built with one job, once for the module."""
    folder = tmp_path_factory.mktemp("batch")
    appointments, problems = read_appointments(write_csv(folder, ROWS))
    assert problems == []
    return folder / "out", build_batch(appointments, folder / "out", jobs=1)


# --- reading the CSV --------------------------------------------------------------------


def test_dialects_read_the_same(tmp_path):
    plain, _ = parse_appointments("\n".join([HEADER, *ROWS]))
    header = HEADER.upper().replace(",", ";") + ";Notes;LAYOUT"
    rows = [row.replace(",", ";") + ";call first;" for row in ROWS]
    rows[1] = rows[1].replace('"Ann <b>O\'Brien</b> & Co"', "Ann <b>O'Brien</b> & Co")
    exported = tmp_path / "export.csv"
    exported.write_bytes("\ufeff".encode() + "\r\n".join([header, *rows, ""]).encode())
    semicolons, problems = read_appointments(exported)
    assert problems == []
    assert [(a.appointment_id, a.personal, a.email, a.row) for a in semicolons] == [
        (a.appointment_id, a.personal, a.email, a.row) for a in plain
    ]
    assert semicolons[1].personal.patient_name == PATIENT
    assert str(semicolons[2].personal.appointment) == "2026-12-02 09:05:00"


def test_missing_required_column_is_one_error(tmp_path):
    path = write_csv(tmp_path, [ROWS[0]], header="appointment_id,patient_name,appointment")
    with pytest.raises(leaflet.LeafletError) as caught:
        read_appointments(path)
    assert caught.value.message == (
        f"{path}: no column for treatment; the header row has: appointment_id, patient_name, "
        "appointment. If the export calls it something else, map it with "
        "ExportFormat(columns={...}) (e.g. treatment: Booked item)"
    )
    assert caught.value.format_message().endswith(
        "map it with appointments: columns: in leaflet.yaml (e.g. treatment: Booked item)"
    )


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\nA1,Zo\xeb,,,microneedling,2026-12-01T10:00,\n").encode("latin-1"))
    with pytest.raises(leaflet.LeafletError) as caught:
        read_appointments(path)
    assert caught.value.message == (
        f"{path}, line 2: not UTF-8 text (byte {len(HEADER) + 7}). If the line reads right "
        "as Windows-1252 ('A1,Zoë,,,microneedling,2026-12-01T10:00,'), give "
        "ExportFormat(encoding='windows-1252'); or export the appointments from the booking "
        "system as CSV (in Excel: File > Save As > CSV UTF-8)"
    )


def test_bad_rows_are_reported_and_the_rest_built(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = [
        ROWS[0],
        "A2,,1985-04-23,,microneedling,2026-12-01T10:30,",
        "A3,Bob,1985-02-30,bob@,microneedling,2026-12-01,",
        "A4,Bob,,,peel,2026-12-01T10:30,",
        ROWS[0].replace("Zoë Ng", "Someone Else"),
        "A5,Bob,,,microneedling,2026-12-01T10:30,Dr 中",
    ]
    write_csv(tmp_path, rows)
    result = invoke(["batch", "day.csv", "--out-dir", "out", "--jobs", "1"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: day.csv, row 3, column patient_name: empty; every appointment needs one",
        "Error: day.csv, row 4, column date_of_birth: '1985-02-30' is not a real date: "
        "February 1985 has no day 30",
        "Error: day.csv, row 4, column appointment: '2026-12-01' has no time; add one, e.g. "
        "2026-12-01 09:00 (or 9:00 AM)",
        "Error: day.csv, row 4, column email: 'bob@' is not an email address (there must be "
        "something after the @-sign)",
        "Error: day.csv, row 6, column appointment_id: duplicate id 'A1001' (first on row 2)",
        "Error: day.csv, row 5, column treatment: unknown treatment 'peel'; known "
        "treatments: microneedling (Collagen induction therapy, Skin needling, Dermapen, "
        "الوخز بالإبر الدقيقة, Micronodwyddo, Mikroigłowanie)",
        "Error: day.csv, row 7, column practitioner: the brand fonts cannot print '中' "
        "(U+4E2D CJK UNIFIED IDEOGRAPH-4E2D); list a TrueType font that has it under "
        "fonts.fallback in the brand file (Chinese, Japanese, Korean: Debian's "
        "fonts-droid-fallback)",
    ]
    assert result.stderr.splitlines()[-1] == (
        "Built 3 files in out (0 already built); 5 rows failed. Manifest: out/manifest.csv"
        + BRAND_NOTE
    )
    assert sorted(files_in(tmp_path / "out")) == [
        "A1001-aftercare.pdf",
        "A1001-consent.pdf",
        "A1001-info.pdf",
        "manifest.csv",
    ]
    assert "Zoë Ng" in read_pdf((tmp_path / "out/A1001-consent.pdf").read_bytes()).text


@pytest.mark.parametrize(
    "ident",
    [
        "../escape",
        "..",
        "a/b",
        "/etc/passwd",
        "a\\b",
        ".hidden",
        "CON",
        "nul.txt",
        "x" * 65,
        "trailing.",
        "A 1",
        "C:evil",
    ],
)
def test_unsafe_ids_are_refused(tmp_path, ident):
    text = "\n".join([HEADER, f'"{ident}",Zoë Ng,,,microneedling,2026-12-01T10:30,'])
    appointments, problems = parse_appointments(text, "day.csv")
    assert appointments == []
    [problem] = problems
    assert (problem.row, problem.column) == (2, "appointment_id")
    assert str(problem).startswith("day.csv, row 2, column appointment_id: ")
    # A library caller's appointment is checked as it is made: nothing can be built.
    personal = leaflet.Personalisation.from_text("Zoë Ng")
    with pytest.raises(leaflet.LeafletError) as caught:
        Appointment(ident, personal, "microneedling")
    assert caught.value.message.startswith("appointment_id: ")


# --- what gets built --------------------------------------------------------------------


def test_files_are_named_by_id_never_by_patient(built):
    out, result = built
    assert sorted(files_in(out)) == sorted(
        [f"{ident}-{doc}.pdf" for ident in NAMES for doc in leaflet.DOCUMENTS] + ["manifest.csv"]
    )
    assert len(result.built) == 9 and result.skipped == [] and result.problems == []


def test_manifest_lists_every_file_with_its_hash(built):
    out, _ = built
    with (out / "manifest.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(row["appointment_id"], row["document"]) for row in rows] == [
        (ident, doc) for ident in NAMES for doc in leaflet.DOCUMENTS
    ]
    references = {"info": "MN-INF-01", "consent": "MN-CON-01", "aftercare": "MN-AFT-01"}
    for row in rows:
        data = (out / row["path"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(row["bytes"]) == len(data)
        assert int(row["pages"]) == len(pypdf.PdfReader(out / row["path"]).pages)
        assert (row["reference"], row["version"]) == (references[row["document"]], VERSION)
        assert row["language"] == "en-GB"
    assert list(rows[0])[:3] == ["appointment_id", "document", "language"]


def test_each_file_is_personalised_for_its_patient(built):
    out, _ = built
    for ident, name in NAMES.items():
        info = read_pdf((out / f"{ident}-info.pdf").read_bytes())
        consent = read_pdf((out / f"{ident}-consent.pdf").read_bytes())
        assert f"Prepared for {name}" in info.pages[0]
        assert f"Full name {name}" in consent.pages[0]
        assert consent.text.count(name) == 3  # details, signature, withdrawal
        for other in set(NAMES.values()) - {name}:
            assert other not in info.text + consent.text
    assert (
        "Your appointment: Tuesday, 1 December 2026 at 10:30 with Dr Sam Lee"
        in (read_pdf((out / "A1001-aftercare.pdf").read_bytes()).pages[0])
    )
    consent = read_pdf((out / "A1003-consent.pdf").read_bytes())
    assert "Date of birth Phone number" in consent.pages[0]  # no date of birth: left blank


@pytest.mark.parametrize("document", leaflet.DOCUMENTS)
def test_stamped_copy_reads_like_a_full_build(document):
    """A base stamped with a patient's values says what laying it out for them says."""
    personal = leaflet.Personalisation.from_text(
        PATIENT, "1985-04-23", "2026-12-01T10:30", "Dr Priya Patel"
    )
    treatment, brand = leaflet.load_treatment("microneedling"), leaflet.load_brand()
    content, layout = treatment.document(document), leaflet.load_layout("a4")
    base = lay_out_base(content, brand, layout, Placeholders.shape_of(personal))
    stamped = read_pdf(stamp(base, personal, "en-GB").data)
    full = read_pdf(leaflet.render_pdf(content, brand, layout, personal).data)
    assert len(stamped.pages) == len(full.pages)
    for stamped_page, full_page in zip(stamped.pages, full.pages, strict=True):
        assert sorted(stamped_page.split()) == sorted(full_page.split())


def test_wording_with_a_name_in_running_text_is_laid_out_per_patient(content_copy, tmp_path):
    from conftest import replace_in

    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "This leaflet tells you",
        "{{ patient.name }}, this leaflet tells you",
    )
    treatment = leaflet.load_treatment("microneedling", content_copy)
    shape = Placeholders.shape_of(leaflet.Personalisation.from_text("Zoë Ng"))
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    assert lay_out_base(treatment.document("info"), brand, layout, shape) is None
    assert lay_out_base(treatment.document("consent"), brand, layout, shape) is not None
    appointments, _ = parse_appointments("\n".join([HEADER, ROWS[0]]))
    settings = BatchSettings(content_dir=content_copy, documents=("info",))
    build_batch(appointments, tmp_path / "out", settings=settings, jobs=1)
    info = read_pdf((tmp_path / "out/A1001-info.pdf").read_bytes())
    assert "Zoë Ng, this leaflet tells you" in normalise(info.pages[0])


def test_layout_column_and_documents_option(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path, [ROWS[0] + ",dl-trifold", ROWS[2] + ",letter"], header=HEADER + ",layout")
    result = invoke(
        ["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "info,aftercare"]
    )
    assert result.exit_code == 0, result.stderr
    info = pypdf.PdfReader(tmp_path / "out/A1001-info.pdf")
    assert len(info.pages) == 2 and float(info.pages[0].mediabox.width) > 800  # a tri-fold
    assert "Prepared for Zoë Ng" in normalise(info.pages[0].extract_text())
    letter = pypdf.PdfReader(tmp_path / "out/A1003-aftercare.pdf").pages[0].mediabox
    assert (float(letter.width), float(letter.height)) == (612, 792)
    assert sorted(files_in(tmp_path / "out")) == [
        "A1001-aftercare.pdf",
        "A1001-info.pdf",
        "A1003-aftercare.pdf",
        "A1003-info.pdf",
        "manifest.csv",
    ]


def test_unknown_document_option(tmp_path):
    result = invoke(
        [
            "batch",
            str(write_csv(tmp_path, ROWS)),
            "--out-dir",
            str(tmp_path),
            "--documents",
            "info,leaflet",
        ]
    )
    assert result.exit_code == 2
    assert (
        "Invalid value for '--documents': leaflet; choose from info,consent,aftercare "
        "(comma-separated)"
    ) in result.stderr


# --- resuming ---------------------------------------------------------------------------


class Interrupt(Exception):
    pass


def test_resume_after_an_interruption_builds_only_what_is_missing(tmp_path):
    appointments, _ = read_appointments(write_csv(tmp_path, ROWS))
    out = tmp_path / "out"

    def stop_after_four(done: int, total: int) -> None:
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_batch(appointments, out, jobs=1, progress=stop_after_four)
    assert len(read_manifest(out)) == 4
    assert len(list(out.glob("*.pdf"))) == 4
    (out / ".A1003-info.pdf.x1y2.part").write_bytes(b"%PDF-1.4 half")  # a killed write
    (out / "A1001-info.pdf").unlink()  # a file gone since

    result = build_batch(appointments, out, jobs=1)
    assert sorted((e.appointment_id, e.document) for e in result.built) == sorted(
        [
            ("A1001", "info"),
            ("A1002", "aftercare"),
            ("A1003", "info"),
            ("A1003", "consent"),
            ("A1003", "aftercare"),
            ("A1002", "consent"),
        ][:6]
    )
    assert len(result.skipped) == 3
    assert not list(out.glob(".*.part"))
    assert len(read_manifest(out)) == 9

    again = build_batch(appointments, out, jobs=1)
    assert (len(again.built), len(again.skipped)) == (0, 9)
    forced = build_batch(appointments, out, jobs=1, force=True)
    assert (len(forced.built), len(forced.skipped)) == (9, 0)


def test_a_manifest_from_before_the_language_column_still_resumes(built, tmp_path):
    """Nothing is built again for it; the kept files' language is filled in."""
    copy = copy_of(built[0], tmp_path / "copy")
    with (copy / "manifest.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    old = io.StringIO()
    writer = csv.DictWriter(old, [c for c in rows[0] if c != "language"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: v for k, v in row.items() if k != "language"} for row in rows)
    (copy / "manifest.csv").write_text(old.getvalue(), encoding="utf-8")
    assert {entry.language for entry in read_manifest(copy).values()} == {""}
    appointments, _ = read_appointments(write_csv(tmp_path, ROWS))
    result = build_batch(appointments, copy, jobs=1)
    assert (len(result.built), len(result.skipped)) == (0, 9)
    assert {entry.language for entry in read_manifest(copy).values()} == {"en-GB"}


def test_changed_row_is_built_again(tmp_path):
    out = tmp_path / "out"
    build_batch(read_appointments(write_csv(tmp_path, ROWS))[0], out, jobs=1)
    edited = [ROWS[0], ROWS[1].replace("1979-11-02", "1979-11-03"), ROWS[2]]
    result = build_batch(read_appointments(write_csv(tmp_path, edited))[0], out, jobs=1)
    assert sorted((e.appointment_id, e.document) for e in result.built) == [
        ("A1002", "aftercare"),
        ("A1002", "consent"),
        ("A1002", "info"),
    ]
    assert "3 November 1979" in read_pdf((out / "A1002-consent.pdf").read_bytes()).text


def test_a_killed_manifest_line_is_ignored(built, tmp_path):
    copy = copy_of(built[0], tmp_path / "copy")
    with (copy / "manifest.csv").open("a", encoding="utf-8") as stream:
        stream.write("A1004,info,A1004-info.pdf,5,12")
    assert len(read_manifest(copy)) == 9


# --- processes --------------------------------------------------------------------------


def test_one_job_and_two_jobs_give_identical_results(built, tmp_path):
    out, _ = built
    appointments, _ = read_appointments(write_csv(tmp_path, ROWS))
    result = build_batch(appointments, tmp_path / "two", jobs=2)
    assert len(result.built) == 9
    assert files_in(tmp_path / "two") == files_in(out)


def test_a_long_name_wraps_onto_a_second_line(tmp_path):
    """A value too long for its write-in line wraps onto a second line (breaking after a
    hyphen, never inside a word) at no less than 90% of body size, and never climbs over
    the line above: the batch lays such a patient's copy out in full."""
    from pdfmeasure import measure, value_glyphs

    name = "Bartholomew Featherstonehaugh-Worthington-Smythe de la Cruz-Ødegård"
    row = f"L1,{name},1961-02-03,,microneedling,2026-12-03T16:45,Dr Sam Lee"
    appointments, _ = parse_appointments("\n".join([HEADER, row]))
    build_batch(appointments, tmp_path, settings=BatchSettings(documents=("consent",)), jobs=1)
    data = (tmp_path / "L1-consent.pdf").read_bytes()
    first = measure(data)[0]
    words = value_glyphs(first, name)
    assert len({round(g.bottom) for g in words}) == 2
    assert min(g.size for g in words) >= 11.7
    assert normalise(pypdf.PdfReader(tmp_path / "L1-consent.pdf").pages[0].extract_text()).count(
        "Bartholomew Featherstonehaugh-Worthington-"
    )
    personal = leaflet.Personalisation.from_text(
        patient_name=name,
        date_of_birth="1961-02-03",
        appointment="2026-12-03T16:45",
        practitioner="Dr Sam Lee",
    )
    assert data == leaflet.build_document("consent", personal=personal).data


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path):
    """The folder's lock is filelock's, which locks with fcntl on Linux and macOS and
    msvcrt on Windows: held by anyone, a batch into the folder is refused."""
    import filelock

    out = tmp_path / "out"
    out.mkdir()
    held = filelock.FileLock(out / LOCK_NAME)  # as a running batch holds it
    with held, pytest.raises(leaflet.LeafletError) as caught:
        build_batch(read_appointments(write_csv(tmp_path, ROWS))[0], out, jobs=1)
    # The command line names its option; a library caller reads the argument's name.
    assert caught.value.format_message() == (
        f"another leaflet batch is writing to {out}; wait for it "
        "to finish, or use another --out-dir"
    )
    assert caught.value.message == (
        f"another batch is writing to {out}; wait for it to finish, or use another out_dir"
    )
    assert list(out.glob("*.pdf")) == []


def test_kill_stops_a_batch_as_ctrl_c_does(tmp_path, monkeypatch):
    """SIGTERM (kill) becomes the same clean stop as Ctrl-C: exit 130, what is finished
    kept and listed, nothing half-written."""
    import os
    import signal

    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path, ROWS)

    def kill_after_two(self, done, total):
        if done == 2:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr("leaflet.cli.progress.BatchProgress.__call__", kill_after_two)
    result = invoke(["batch", "day.csv", "--out-dir", "out", "--jobs", "1"])
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == (
        "Interrupted. The files finished so far are in out; run the same command again to "
        "build the rest."
    )
    assert len(read_manifest(tmp_path / "out")) == 2
    assert sorted(files_in(tmp_path / "out")) == [
        "A1001-consent.pdf",
        "A1001-info.pdf",
        "manifest.csv",
    ]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # put back afterwards


def test_a_kept_worker_pool_builds_batch_after_batch(built, tmp_path):
    """A caller's WorkerPool serves two batches, giving what one job in this process
    gives; its workers outlive the first batch."""
    out, _ = built
    appointments, _ = read_appointments(write_csv(tmp_path, ROWS))
    with leaflet.WorkerPool(2) as pool:
        first = build_batch(appointments, tmp_path / "first", pool=pool)
        second = build_batch(appointments, tmp_path / "second", pool=pool, force=True)
    assert len(first.built) == len(second.built) == 9
    assert files_in(tmp_path / "first") == files_in(tmp_path / "second") == files_in(out)


def test_small_batches_are_built_in_the_process_by_default(monkeypatch):
    from leaflet.packs import workers

    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    assert workers.default_jobs(stamped=9, full=0) == 1  # the example day: no workers
    assert workers.default_jobs(stamped=200, full=0) == 1
    assert workers.default_jobs(stamped=1000, full=0) == 2
    assert workers.default_jobs(stamped=0, full=40) == 2  # tri-folds laid out in full
    # Jobs forked from the batch's process cost far less than fork-server workers.
    assert workers.default_jobs(stamped=9, full=0, forked=True) == 1
    assert workers.default_jobs(stamped=60, full=0, forked=True) == 2
    assert workers.default_jobs(stamped=200, full=0, forked=True) == 2
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 1)
    assert workers.default_jobs(stamped=10_000, full=0) == 1


# --- fillable consent forms -------------------------------------------------------------


def _field_values(data: bytes) -> dict[str, str] | None:
    """The text fields' values of a PDF's form; None when it has no form."""
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields()
    if fields is None:
        return None
    return {name: str(f.get("/V", "")) for name, f in fields.items() if f.get("/FT") == "/Tx"}


def test_a_fillable_batch_fills_the_consent_forms_fields_and_leaves_leaflets_alone(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    rows = [ROWS[2], "A1004,Ann Booklet,1970-01-02,,microneedling,2026-12-01T12:30,,a5-booklet"]
    write_csv(tmp_path, rows, header=HEADER + ",layout")
    args = ["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent,info"]
    result = invoke([*args, "--fillable"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2] == (
        "Error: day.csv, row 3, column layout: a fillable consent form needs a layout of "
        "single pages, not a5-booklet (a booklet); use a4, letter, a5 or large-print"
    )
    consent = (tmp_path / "out" / "A1003-consent.pdf").read_bytes()
    values = _field_values(consent)
    assert values is not None and len(values) > 50
    assert values["field.patient-name"] == values["field.patient-printed-name"] == "Łukasz Wróbel"
    assert values["field.patient-date-of-birth"] == ""  # not in the export: left to the patient
    assert "Łukasz Wróbel" not in read_pdf(consent).text  # a value, not printed under it
    with pikepdf.open(io.BytesIO(consent)) as pdf:  # shown by the field, in the brand font
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == "field.patient-name")
        shown = field.AP.N
        assert b"Tj" in shown.read_bytes() or b"TJ" in shown.read_bytes()
        assert all("Noto" in str(font.BaseFont) for font in shown.Resources.Font.values())
    assert _field_values((tmp_path / "out" / "A1003-info.pdf").read_bytes()) is None
    # Printed forms are other files: a batch without --fillable builds the form again.
    again = invoke(args)
    assert "(1 already built)" in again.stderr.splitlines()[-1]
    assert _field_values((tmp_path / "out" / "A1003-consent.pdf").read_bytes()) is None
