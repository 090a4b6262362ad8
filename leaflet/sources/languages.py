"""Languages: BCP 47 tags checked against CLDR (through Babel), and matched to content.

A tag names a language as content folders do (`en-GB`, `pl`, `cy`). What the tool needs
to know about a language comes from CLDR, never from a list of tags kept here: its
name, its writing direction, its plural categories, and how it writes dates, times and
numbers (`leaflet.sources.dates`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from leaflet.errors import LeafletError

#: language[-Script][-REGION], e.g. pl, en-GB, sr-Latn-RS (BCP 47 without extensions).
TAG = re.compile(
    r"(?P<language>[a-z]{2,3})(?:-(?P<script>[A-Z][a-z]{3}))?(?:-(?P<region>[A-Z]{2}|\d{3}))?"
)
#: What a tag looks like, for messages.
TAG_EXAMPLE = "a BCP 47 language tag such as en-GB, pl or cy"


@dataclass(frozen=True)
class Language:
    """A language as CLDR knows it."""

    tag: str
    locale: Locale

    @property
    def name(self) -> str:
        """Its name in English, e.g. `Polish`, `English (United Kingdom)`."""
        return str(self.locale.get_display_name("en"))

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
    try:
        locale = Locale.parse(written, sep="-")
    except (UnknownLocaleError, ValueError) as err:
        raise LeafletError(f"unknown language {tag!r}; expected {TAG_EXAMPLE}") from err
    # Babel quietly widens a tag it lacks data for (en-ZZ becomes en-US): refuse that.
    for part, parsed in (("script", locale.script), ("region", locale.territory)):
        if match[part] and match[part] != parsed:
            raise LeafletError(f"unknown language {tag!r}; expected {TAG_EXAMPLE}")
    return Language(written, locale)


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
