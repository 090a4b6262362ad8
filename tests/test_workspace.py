"""`leaflet init` and the workspace config that commands run inside it pick up."""

from __future__ import annotations

from conftest import invoke, read_pdf

from leaflet.sources.workspace import CONFIG_NAME, find_workspace


def test_init_then_build_inside(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(["init", "clinic"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Made a leaflet workspace in clinic (")
    folder = tmp_path / "clinic"
    assert sorted(p.name for p in folder.iterdir()) == [
        "brand.yaml",
        "content",
        CONFIG_NAME,
        "logo.png",
    ]
    # Every language's HTML email extends the layout: it comes with them.
    assert (folder / "content/email/layout.html").is_file()
    # The clinic renames itself and rewords a sentence; no option names either file.
    brand = folder / "brand.yaml"
    brand.write_text(
        brand.read_text().replace("name: Example Skin Clinic", "name: Riverside Skin Clinic")
    )
    info = folder / "content/microneedling/en-GB/info.yaml"
    info.write_text(
        info.read_text().replace("We clean your skin well.", "We clean your skin with care.")
    )
    monkeypatch.chdir(folder)
    result = invoke(["info", "-o", "info.pdf"])
    assert result.exit_code == 0, result.output
    pdf = read_pdf((folder / "info.pdf").read_bytes())
    assert pdf.metadata["/Author"] == "Riverside Skin Clinic"
    assert "We clean your skin with care." in pdf.text
    assert invoke(["verify", "info.pdf"]).exit_code == 0


def test_command_line_options_win_over_the_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke(["init", "clinic"]).exit_code == 0
    (tmp_path / "clinic" / CONFIG_NAME).write_text("brand: brand.yaml\nlayout: letter\n")
    monkeypatch.chdir(tmp_path / "clinic")
    assert find_workspace().layout == "letter"
    assert invoke(["aftercare", "-o", "a.pdf"]).exit_code == 0
    assert invoke(["aftercare", "--layout", "a4", "-o", "b.pdf"]).exit_code == 0
    letter = read_pdf((tmp_path / "clinic/a.pdf").read_bytes()).reader.pages[0].mediabox
    a4 = read_pdf((tmp_path / "clinic/b.pdf").read_bytes()).reader.pages[0].mediabox
    assert (round(float(letter.width)), round(float(a4.width))) == (612, 595)


def test_init_refuses_a_folder_in_use(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/notes.txt").write_text("mine")
    result = invoke(["init", "busy"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: busy already exists and is not an empty folder; "
        "choose a new folder for the workspace\n"
    )


def test_a_bad_workspace_file_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / CONFIG_NAME).write_text("brand: brand.yaml\nlayuot: a4\n")
    result = invoke(["info"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: leaflet.yaml:2: layuot: unknown field 'layuot' (did you mean 'layout'?); "
        "valid fields here: appointments, brand, content_dir, layout\n"
    )
