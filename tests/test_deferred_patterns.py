"""ReportLab's paragraph and CJK splitting modules and pikepdf's XMP constants load with
their patterns compiled on first use, and uharfbuzz's code runs on first use
(`leaflet.deferred_patterns`): each check of what loads runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

from leaflet.deferred_patterns import DeferredPattern

URIS = [
    "https://example.com/aftercare/day-one",
    "HTTPS://EXAMPLE.COM/A/B",
    "mailto://clinic@example.com",
    "https://zoë.example.pl/ścieżka/a",
    "http://192.168.0.1:8080/x?y=1",
    "not a uri",
    "example.com/path",
]


def fresh(script: str) -> dict:
    """What `script` prints as JSON, run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_uri_pattern_waits_until_it_is_used():
    found = fresh(
        "import json, re, sys, leaflet\n"
        "import reportlab.platypus.paragraph as p, reportlab.platypus.paraparser as pp\n"
        "from leaflet.deferred_patterns import DeferredPattern, _Finder\n"
        "finder_waits = any(isinstance(f, _Finder) for f in sys.meta_path)\n"
        "import reportlab.lib.textsplit as t, pikepdf.models.metadata._constants as x\n"
        "patterns = [p.uri_pat, t.rx, x.re_xml_illegal_chars, x.re_xml_illegal_bytes]\n"
        "report = {\n"
        "  'deferred': all(isinstance(item, DeferredPattern) for item in patterns),\n"
        "  'compiled': any(item._compiled is not None for item in patterns),\n"
        "  'finder waits for pikepdf': finder_waits,\n"
        "  'other modules compile as always': isinstance(pp._re_para, re.Pattern),\n"
        "  're.compile restored': re.compile.__module__ == 're'\n"
        "      and isinstance(re.compile('a'), re.Pattern),\n"
        "  'finder gone': not any(isinstance(f, _Finder) for f in sys.meta_path),\n"
        "}\n"
        "print(json.dumps(report))"
    )
    assert found == {
        "deferred": True,
        "compiled": False,
        "finder waits for pikepdf": True,
        "other modules compile as always": True,
        "re.compile restored": True,
        "finder gone": True,
    }


def test_a_deferred_pattern_matches_as_the_compiled_one_does():
    import reportlab.platypus.paragraph as paragraph

    pattern = paragraph.uri_pat
    compiled = pattern.compiled if isinstance(pattern, DeferredPattern) else pattern
    for uri in URIS:
        expected = re_match(compiled, uri)
        assert re_match(pattern, uri) == expected, uri
    assert paragraph._uri_split_pairs("https://example.com/a/b") == [
        ("https://example.com/a/", "b"),
        ("https://example.com/", "a/b"),
        ("https://", "example.com/a/b"),
    ]


def test_the_cjk_and_xml_patterns_work_as_compiled():
    from pikepdf.models.metadata import _constants
    from reportlab.lib import textsplit

    assert textsplit.rx.sub(r"\1|", "ab日c") == "ab日|c"
    assert _constants.re_xml_illegal_chars.sub("", "a\x00b\ufffec") == "abc"
    assert _constants.re_xml_illegal_bytes.sub(b"", b"a\x01b&#0;") == b"ab"


def re_match(pattern, text: str):
    found = pattern.match(text)
    return found and (found.span(), found.groups())


def test_a_module_loaded_first_is_left_alone():
    found = fresh(
        "import json, re, sys\n"
        "import reportlab.platypus.paragraph as p, reportlab.lib.textsplit as t\n"
        "import leaflet\n"
        "from leaflet.deferred_patterns import _Finder\n"
        "print(json.dumps([isinstance(p.uri_pat, re.Pattern), isinstance(t.rx, re.Pattern),\n"
        "    [sorted(f._waiting) for f in sys.meta_path if isinstance(f, _Finder)]]))"
    )
    assert found == [True, True, [["pikepdf.models.metadata._constants"]]]


def test_a_deferred_pattern_can_be_copied_and_pickled():
    import copy
    import pickle

    pattern = DeferredPattern("a+b", 0)
    for twin in (copy.copy(pattern), copy.deepcopy(pattern), pickle.loads(pickle.dumps(pattern))):
        assert twin.match("aab") is not None
        assert (twin.pattern, twin.flags) == ("a+b", 0)


def test_uharfbuzz_runs_only_when_text_is_shaped():
    """ReportLab's fonts import uharfbuzz and test it as they load (choosing the
    `shapeFragWord` that shapes); its code runs when shaping first asks it for
    something, and then shapes as it always does."""
    found = fresh(
        "import json, sys, leaflet\n"
        "import reportlab.pdfbase.ttfonts as ttfonts\n"
        "from leaflet.sources.bundled import FONTS_DIR\n"
        "from leaflet.sources.shaping import shape\n"
        "font = ttfonts.TTFont('Arabic', str(FONTS_DIR / 'NotoSansArabic-Regular.ttf'))\n"
        "loaded = 'uharfbuzz._harfbuzz' in sys.modules\n"
        "shaped = shape(font, 'سلام', True)\n"
        "print(json.dumps({\n"
        "  'loaded with the fonts': loaded,\n"
        "  'installed, as ReportLab sees it': bool(ttfonts.uharfbuzz),\n"
        "  'ReportLab shapes words': 'force' in ttfonts.shapeFragWord.__code__.co_varnames,\n"
        "  'loaded once shaping': 'uharfbuzz._harfbuzz' in sys.modules,\n"
        "  'glyphs': len(shaped),\n"
        "}))"
    )
    assert found == {
        "loaded with the fonts": False,
        "installed, as ReportLab sees it": True,
        "ReportLab shapes words": True,
        "loaded once shaping": True,
        "glyphs": 3,  # lam and alef join in one glyph: shaped
    }


def test_a_lazy_module_is_loaded_once_for_threads_that_ask_at_once():
    found = fresh(
        "import json, sys, threading, leaflet\n"
        "import uharfbuzz\n"
        "seen = []\n"
        "start = threading.Barrier(8)\n"
        "def use():\n"
        "    start.wait()\n"
        "    seen.append(uharfbuzz.Buffer)\n"
        "threads = [threading.Thread(target=use) for _ in range(8)]\n"
        "for thread in threads: thread.start()\n"
        "for thread in threads: thread.join()\n"
        "import uharfbuzz._harfbuzz as core\n"
        "print(json.dumps([len(seen), all(item is core.Buffer for item in seen),\n"
        "    '__getattr__' in vars(uharfbuzz), hasattr(uharfbuzz, 'no_such_name')]))"
    )
    assert found == [8, True, False, False]
