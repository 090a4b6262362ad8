"""Reading age by language: a formula made for the language, or none at all.

A readability formula counts what makes text hard in one language; applied to another it
measures nothing (Polish words are longer than English ones, and Welsh mutations change
how words look). So each language gets its own formula, or is not measured:

- English: the Flesch-Kincaid grade (textstat), plus 5 for a reading age (a US grade 1
  pupil is 6); and for a whole document of 30 sentences or more, the SMOG grade too.
- Polish: FOG-PL, Gunning's fog index as adapted for Polish (hard words are those of 4 or
  more syllables, not 3), used by the Pracownia Prostej Polszczyzny (Wrocław) and
  Jasnopis. It gives years of schooling; plus 6 for a reading age (Polish pupils start
  class 1 at 7). Syllables are counted as vowel groups (a ą e ę i o ó u y).
- Welsh and every other language: no readability formula has been validated for them,
  so the reading age is not measured, and `leaflet check` says so in a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A US school grade plus this is a reading age in years.
GRADE_TO_AGE = 5
#: SMOG is defined on a sample of 30 sentences; shorter documents get Flesch-Kincaid only.
SMOG_SENTENCES = 30
#: Years of Polish schooling plus this is a reading age in years.
POLISH_SCHOOLING_TO_AGE = 6
#: FOG-PL's hard words have at least this many syllables.
POLISH_HARD_SYLLABLES = 4

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")
_POLISH_VOWELS = re.compile(r"[aąeęioóuy]+", re.I)


@dataclass(frozen=True)
class ReadingAge:
    """A text's reading age in years, and how it was measured."""

    age: float
    method: str  # e.g. "Flesch-Kincaid (grade 6.2 + 5)"


def reading_age(text: str, language: str = "en") -> ReadingAge | None:
    """The reading age of plain `text` in `language` (a tag), or None when there is no
    formula for the language."""
    base = language.split("-")[0].lower()
    if base == "en":
        import textstat  # loading its pronouncing dictionary takes a second: only when used

        grade = float(textstat.flesch_kincaid_grade(text))
        method = f"Flesch-Kincaid (grade {grade:.1f} + {GRADE_TO_AGE})"
        return ReadingAge(grade + GRADE_TO_AGE, method)
    if base == "pl":
        years = fog_pl(text)
        method = f"FOG-PL ({years:.1f} years of schooling + {POLISH_SCHOOLING_TO_AGE})"
        return ReadingAge(years + POLISH_SCHOOLING_TO_AGE, method)
    return None


def reading_ages(text: str, language: str = "en") -> list[ReadingAge]:
    """Every measure of a whole document in `language`: `reading_age`'s, and SMOG for
    English of 30 sentences or more; empty when there is no formula for the language."""
    first = reading_age(text, language)
    if first is None:
        return []
    measured = [first]
    if language.split("-")[0].lower() == "en":
        import textstat

        if textstat.sentence_count(text) >= SMOG_SENTENCES:
            grade = float(textstat.smog_index(text))
            method = f"SMOG (grade {grade:.1f} + {GRADE_TO_AGE})"
            measured.append(ReadingAge(grade + GRADE_TO_AGE, method))
    return measured


def sentence_reading_age(sentence: str, language: str) -> ReadingAge | None:
    """The reading age of one sentence, where the language's formula means anything for
    a single sentence: Flesch-Kincaid's does (English); FOG-PL counts the share of long
    words in a sample of 100 words or more, which one short sentence swings wildly."""
    if language.split("-")[0].lower() != "en":
        return None
    return reading_age(sentence, language)


def not_measured(language: str) -> str:
    """Why a language's reading age is not measured."""
    return (
        f"reading age not measured: no readability formula has been validated for {language} "
        "(the English one would measure nothing); ask a reader of the language to check the "
        "wording is plain"
    )


def fog_pl(text: str) -> float:
    """FOG-PL: 0.4 x (words per sentence + 100 x share of words of 4+ syllables)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    hard = sum(polish_syllables(word) >= POLISH_HARD_SYLLABLES for word in words)
    return 0.4 * (len(words) / sentences + 100 * hard / len(words))


def polish_syllables(word: str) -> int:
    """Syllables of a Polish word, as its groups of vowels (`nie` 1, `zabieg` 2)."""
    return max(1, len(_POLISH_VOWELS.findall(word)))
