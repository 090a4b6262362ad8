"""Which font prints which character: a chain of font families.

ReportLab has no font fallback. Text prints in a chain of families (`FontChain`): the
brand's, then the bundled Arabic font, then the brand's fallback fonts (a CJK font for
names, say); each run of characters in the first family that has them. Families after
the brand's are read only when a character first needs them.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from leaflet.sources.fonts import FontFamily, describe_chars, register_family

#: The bundled family for right-to-left scripts (Arabic, Urdu, Persian): second in every
#: chain, after the brand's own.
ARABIC_FONTS = ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")
#: Characters that stay in the font of the run they are in when it has them (spaces,
#: punctuation, symbols, digits, marks): a run changes font only for a letter.
_FOLLOWING = frozenset("ZPSNMC")
#: Names of the characters a CJK fallback font prints.
_CJK_NAMES = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO")


#: Texts whose runs a chain keeps (a document's fragments, many times over).
RUNS_KEPT = 4096


@dataclass(frozen=True)
class Fallback:
    """A family read only when a character first needs it. `where` names the brand field
    that lists it, and `note` how to get it (a Debian package)."""

    regular: Path
    bold: Path
    where: str = ""
    note: str = ""

    def load(self) -> FontFamily | None:
        """The registered family, or None when its files are not on this machine."""
        if not (self.regular.is_file() and self.bold.is_file()):
            return None
        return register_family(self.regular, self.bold, shaping=True)


class FontChain:
    """The families text prints in, in order: the first (`primary`) gives a style its
    font; each run of characters the primary lacks prints in the first later family that
    has them. Families after the first are read when first needed."""

    def __init__(self, primary: FontFamily, fallbacks: tuple[Fallback, ...]) -> None:
        self.primary = primary
        self.fallbacks = fallbacks
        self._loaded: list[FontFamily] = [primary]
        self._pending = list(fallbacks)
        self._runs: dict[tuple[str, bool], list[tuple[str, str]]] = {}
        self._led: dict[str, FontChain] = {}
        #: Threads share a brand: fallbacks are loaded one at a time, in their order.
        self._lock = threading.Lock()

    @property
    def key(self) -> tuple[object, ...]:
        """What tells two chains apart: their primary faces and fallback files."""
        return (self.primary.regular, self.primary.bold, self.fallbacks)

    @property
    def regular(self) -> str:
        return self.primary.regular

    @property
    def bold(self) -> str:
        return self.primary.bold

    def __deepcopy__(self, memo: dict[int, object]) -> FontChain:
        return self  # shared by the styles that name it; ReportLab deep-copies styles

    def families(self, text: str = "") -> list[FontFamily]:
        """The families loaded so far, after loading those `text` needs."""
        absent = set(text) - self._loaded[0].printable
        for family in self._loaded[1:]:
            absent -= family.printable
        if absent and self._pending:
            with self._lock:
                while absent and self._pending:
                    loaded = self._pending[0].load()
                    self._pending.pop(0)
                    if loaded is not None:
                        self._loaded.append(loaded)
                        absent -= loaded.printable
        return self._loaded

    def used_by(self, text: str) -> list[FontFamily]:
        """The families `text` prints in: the primary, and for each character it lacks
        the first family that has it; in the chain's order."""
        families = self.families(text)
        used = {id(self.primary)}
        for char in set(text) - self.primary.printable:
            family = next((f for f in families if char in f.printable), None)
            if family is not None:
                used.add(id(family))
        return [family for family in families if id(family) in used]

    def missing(self, text: str) -> list[str]:
        """Characters of `text` no family can print, in the order they first appear."""
        if not (absent := set(text) - self.primary.printable):
            return []
        for family in self.families(text)[1:]:
            absent -= family.printable
        return [char for char in dict.fromkeys(text) if char in absent]

    def cannot_print(self, missing: list[str]) -> str:
        """Why a personal value cannot be printed, and where a font for it is to be had."""
        problem = f"the brand fonts cannot print {describe_chars(missing)}"
        absent = [
            f"{font.where} ({font.regular}{'; ' + font.note if font.note else ''})"
            for font in self.fallbacks
            if font.where.startswith("fonts.") and not font.regular.is_file()
        ]
        if absent:
            return f"{problem}; not on this machine: {', '.join(absent)}"
        hint = "; list a TrueType font that has it under fonts.fallback in the brand file"
        if any(unicodedata.name(char, "").startswith(_CJK_NAMES) for char in missing):
            hint += " (Chinese, Japanese, Korean: Debian's fonts-droid-fallback)"
        return problem + hint

    def led_by(self, text: str) -> FontChain:
        """This chain led by its first family that prints every letter of `text` (the
        Arabic family for an Arabic document), the others after it in their order."""
        families = self.families(text)
        letters = {char for char in text if unicodedata.category(char)[0] == "L"}
        lead = next((f for f in families if letters <= f.printable), self.primary)
        if lead is self.primary:
            return self
        if (chain := self._led.get(lead.regular)) is None:
            chain = FontChain(lead, self.fallbacks)
            chain._loaded = [lead, *(f for f in families if f is not lead)]
            chain._pending = list(self._pending)
            self._led[lead.regular] = chain
        return chain

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """`text` cut into (font name, text) runs, each in the regular or bold face of
        the first family that has its letters."""
        key = (text, bold)
        if (cached := self._runs.get(key)) is not None:
            return cached
        families = self.families(text)
        faces = [family.bold if bold else family.regular for family in families]
        runs: list[list[str]] = []
        current: FontFamily | None = None
        for char in text:
            family = self._family_for(char, current, families)
            face = faces[families.index(family)]
            if runs and runs[-1][0] == face:
                runs[-1][1] += char
            else:
                runs.append([face, char])
            current = family
        result = [(face, part) for face, part in runs]
        if len(self._runs) >= RUNS_KEPT:  # a batch's names would otherwise pile up here
            self._runs.clear()
        self._runs[key] = result
        return result

    @staticmethod
    def _family_for(
        char: str, current: FontFamily | None, families: list[FontFamily]
    ) -> FontFamily:
        if (
            current is not None
            and char in current.printable
            and unicodedata.category(char)[0] in _FOLLOWING
        ):
            return current
        return next((f for f in families if char in f.printable), families[0])
