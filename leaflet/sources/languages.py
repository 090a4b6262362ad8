"""Languages: BCP 47 tags checked against CLDR (through Babel), and matched to content.

A tag names a language as content folders do (`en-GB`, `pl`, `cy`). What the tool needs
to know about a language comes from CLDR, never from a list of tags kept here: its
name, its writing direction, its plural categories, and how it writes dates, times and
numbers (`leaflet.sources.dates`).

Babel and its CLDR data load only when a language's data is needed: the tags CLDR knows
and their English names, all `leaflet list` shows, are in `resources/language-names.tsv`,
a table made from Babel (`python -m leaflet.sources.languages`) and checked against it by
tests/test_languages.py. A tag not in the table is looked up in Babel.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.sources.bundled import RESOURCES_DIR

if TYPE_CHECKING:
    from babel import Locale

#: language[-Script][-REGION], e.g. pl, en-GB, sr-Latn-RS (BCP 47 without extensions).
TAG = re.compile(
    r"(?P<language>[a-z]{2,3})(?:-(?P<script>[A-Z][a-z]{3}))?(?:-(?P<region>[A-Z]{2}|\d{3}))?"
)
#: What a tag looks like, for messages.
TAG_EXAMPLE = "a BCP 47 language tag such as en-GB, pl or cy"
#: Each tag of a locale Babel has data for, and its English name (`names_table`).
NAMES_FILE = RESOURCES_DIR / "language-names.tsv"


@functools.cache
def english_names() -> dict[str, str]:
    """The tags in NAMES_FILE and their English names."""
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    rows = (line.split("\t") for line in lines if line and not line.startswith("#"))
    return {tag: name for tag, name in rows}


@dataclass(frozen=True)
class Language:
    """A language as CLDR knows it (`parse_language` makes one of a known tag)."""

    tag: str

    @functools.cached_property
    def locale(self) -> Locale:
        """Babel's locale of the tag: CLDR's data of the language."""
        from babel import Locale

        return Locale.parse(self.tag, sep="-")

    @property
    def name(self) -> str:
        """Its name in English, e.g. `Polish`, `English (United Kingdom)`."""
        known = english_names().get(self.tag)
        return known if known is not None else _english_name(self.locale)

    def name_in(self, other: Language) -> str:
        """Its name in `other`'s words, e.g. `angielski (Wielka Brytania)`."""
        return str(self.locale.get_display_name(other.locale))

    @property
    def direction(self) -> str:
        """`ltr` or `rtl`, as CLDR says the language is written."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def plural_categories(self) -> tuple[str, ...]:
        """The CLDR plural categories its numbers take, in CLDR's order."""
        tags = set(self.locale.plural_form.tags) | {"other"}
        return tuple(c for c in ("zero", "one", "two", "few", "many", "other") if c in tags)

    def plural_category(self, count: float) -> str:
        """The CLDR plural category of `count`: `one`, `few`, `other`..."""
        return str(self.locale.plural_form(count))


def normalise(tag: str) -> str:
    """A tag in its usual case: `EN-gb` -> `en-GB`, `sr-latn` -> `sr-Latn`."""
    parts = tag.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(out)


@functools.lru_cache(maxsize=64)
def parse_language(tag: str) -> Language:
    """The language `tag` names; an unknown or malformed tag is a `LeafletError`."""
    written = normalise(tag)
    match = TAG.fullmatch(written)
    if match is None:
        raise LeafletError(f"{tag!r} is not a language tag; expected {TAG_EXAMPLE}")
    if written not in english_names() and not _known_to_babel(written, match):
        raise LeafletError(f"unknown language {tag!r}; expected {TAG_EXAMPLE}")
    return Language(written)


def _known_to_babel(written: str, match: re.Match[str]) -> bool:
    """Whether CLDR, through Babel, has the language of the well-formed tag `written`."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(written, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    # Babel quietly widens a tag it lacks data for (en-ZZ becomes en-US): refuse that.
    return all(
        not match[part] or match[part] == parsed
        for part, parsed in (("script", locale.script), ("region", locale.territory))
    )


def _english_name(locale: Locale) -> str:
    return str(locale.get_display_name("en"))


def names_table() -> str:
    """The text of NAMES_FILE: each tag of a locale Babel has data for that
    `parse_language` takes as it is, and its English name, one a line."""
    import babel
    from babel import Locale, localedata

    lines = [
        f"# Made from Babel {babel.__version__} by python -m leaflet.sources.languages;",
        "# tests/test_languages.py checks that Babel still says the same. Tag, tab, name.",
    ]
    for identifier in sorted(localedata.locale_identifiers()):
        written = identifier.replace("_", "-")
        match = TAG.fullmatch(written)
        if match and normalise(written) == written and _known_to_babel(written, match):
            lines.append(f"{written}\t{_english_name(Locale.parse(written, sep='-'))}")
    return "\n".join(lines) + "\n"


def is_tag(name: str) -> bool:
    """Whether a folder name is a well-formed language tag (known or not)."""
    return TAG.fullmatch(name) is not None


def match_language(requested: str, available: Iterable[str]) -> str | None:
    """The tag of `available` that serves a request for `requested`, or None.

    RFC 4647 lookup (`pl-PL` finds `pl`), then the one tag of the same language when
    there is exactly one (`en` finds `en-GB`)."""
    tags = {normalise(tag): tag for tag in available}
    wanted = normalise(requested).split("-")
    while wanted:
        if (candidate := "-".join(wanted)) in tags:
            return tags[candidate]
        wanted.pop()
    base = normalise(requested).split("-")[0]
    same = [tag for key, tag in tags.items() if key.split("-")[0] == base]
    return same[0] if len(same) == 1 else None


def original_language(languages: Collection[str], translates: Callable[[str], bool]) -> str:
    """Of a treatment's languages, the one whose documents translate nothing (English
    first, if several are originals)."""
    originals = sorted(
        (tag for tag in languages if not translates(tag)),
        key=lambda tag: (not tag.startswith("en"), tag),
    )
    return (originals or sorted(languages))[0]


if __name__ == "__main__":
    print(names_table(), end="")
