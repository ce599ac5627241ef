"""Names of people and organizations: the word lists and the rules both readers share.

Two modules read author names: ``references`` (the reference lists: APA, Chicago and
Russian headers, citation keys) and ``citations`` (author phrases in the prose:
``(Kashirina & Epiphanova, 2020)``, ``Jorge dos Santos (2019)``).  Both need to know
which lowercase words may stand inside a name, which capitalized words are not names,
what an initial looks like, where a family name starts, and how a corporate name is
shortened.  That knowledge lives here, once.

Where the two modules once kept lists and rules of their own, what is here is their
union: the particles gained ``y`` and ``e`` (from references), the connectors ``des``
(from references), the stopwords ``at`` and ``du`` (one from each), a name word may hold
a hyphen anywhere (from citations), initials may be hyphenated (``J.-P.``, from
references).  None of these changes a page or a diagnostic of the four articles (the
golden files); tests/test_names.py pins the new cases.  The exceptions, each kept
because merging would change what the reader shows:

* ``de`` and ``du`` are particles of personal names (``de Souza``) and connectors of
  corporate names (``Institut de ...``).  A reference header may use both readings; a
  citation phrase is called corporate only for a connector that is not also a particle
  (``CORPORATE_CONNECTORS``), else every ``de Souza (2019)`` would become an
  organization and lose its family-name matching.
* Corporate names are shortened by two rules, for two purposes (``abbreviation`` for
  the ``[UNN]`` a citation gives, ``key_stem`` for a citation key); both skip the same
  ``STOPWORDS``.  They differ in how they treat an all-capitals word and a short name,
  and the keys in the published bibliography depend on the second.
* The initials of the APA and Russian headers (``APA_INITIALS``, a pattern fragment
  inside the header patterns) are not those of ``is_initials``: a capital and up to
  two small letters (``Shch.``-like ``Shc.``, ``Yu.``), a space or hyphen after each;
  ``is_initials`` reads one word (up to two letters of any case per initial).  The
  header patterns decide which items parse as APA or Russian, so they keep theirs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

# Lowercase words that stand inside a personal name: "Jorge dos Santos", "Jan van der
# Berg", "bin Laden", "José Ortega y Gasset", "Eça e Silva".
PARTICLES = frozenset(
    "de del della der den di du da das dos van von la le ten ter bin al y e".split()
)

# Lowercase words that connect the words of a corporate name: "Commission on Global
# Governance", "Ministry of Foreign Affairs and Trade", "Institut des Relations".
CONNECTORS = frozenset("of on for the and in at to de des du".split())

# The connectors that mark an author phrase as corporate (see the module docstring).
CORPORATE_CONNECTORS = CONNECTORS - PARTICLES

# Words a corporate name's shortened forms leave out ("Commission on Global Governance"
# -> CGG).
STOPWORDS = frozenset("of the on for and in at to a an de du".split())

MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH_ABBREVIATIONS = "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()

# Capitalized words that are not names: days, seasons and the function words that start
# sentences ("As Baldwin (1997) says" -> "Baldwin").  Months are not here: they are names
# when they are family names ("March & Olsen, 1984").
NOT_NAMES = frozenset(
    (
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Spring Summer Autumn "
        "Fall Winter Early Late Mid A An The As In On At By For From To Of With Within "
        "Without And But Or Nor So Yet If When While Since After Before Until During "
        "Between Among Through Thus Hence However Also According Following See Unlike "
        "Like Per Via Circa Ca About Around Under Over This That These Those Its Their "
        "His Her Our We They It He She I Then Here There Both Each Every Some Many Most "
        "All Only Even Still Later Earlier Note Cf Ibid Vs"
    ).split()
)

# A capitalized name word: "Roy", "O'Neill", "Post-Soviet", "Mary-Jane", "McFaul"; a
# hyphen may also end it ("Smith-" where a line break split a double name).
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*\Z")
# An initial or initials: "W.", "J.-P.", "R.R.", "Sh.", "Yu."
_INITIALS = re.compile(r"(?:[^\W\d_]{1,2}\.-?)+\Z")
# Initials as the APA and Russian headers write them, a regular-expression fragment:
# a capital and at most two small letters, a period, maybe a space or hyphen.
APA_INITIALS = r"(?:[A-Z][a-z]{0,2}\.[\s-]?)+"
_ALL_CAPS = re.compile(r"[A-Z]{2,}[A-Z0-9]*\Z")


def is_name_word(word: str) -> bool:
    """A capitalized word that can be (part of) a name."""
    return bool(_NAME_WORD.match(word)) and word[0].isupper()


def is_initials(word: str) -> bool:
    """An initial or a run of initials: ``W.``, ``J.-P.``, ``R.R.``."""
    return bool(_INITIALS.match(word)) and word[0].isupper()


def is_all_caps(word: str) -> bool:
    """An abbreviation in capitals: ``UNN``, ``CSTO``, ``UN2``."""
    return bool(_ALL_CAPS.match(word))


def family_start(words: Sequence[str]) -> int:
    """Where the family name of a given-first name starts: the last word with the
    particles before it (``Jorge dos Santos`` -> 1)."""
    i = len(words) - 1
    while i > 0 and words[i - 1] in PARTICLES:
        i -= 1
    return i


def ascii_fold(text: str) -> str:
    """``Šćepanović`` -> ``Scepanovic``: strip accents, keep ASCII only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


@functools.lru_cache(maxsize=1 << 16)  # a pure function of names met again and again
def fold(text: str) -> str:
    """ASCII, lowercase, letters and digits only: ``Perrewé`` -> ``perrewe``."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


@functools.lru_cache(maxsize=1 << 16)
def fold_family(name: str) -> str:
    """A family name without leading particles, folded: ``dos Santos`` -> ``santos``."""
    words = name.split()
    while len(words) > 1 and words[0].lower() in PARTICLES:
        words = words[1:]
    return fold(" ".join(words))


def abbreviation(name: str) -> str:
    """The abbreviation a corporate name forms: first letters of its significant words,
    all of an all-capitals word (``UN News`` -> ``UNN``,
    ``Collective Security Treaty Organization`` -> ``CSTO``)."""
    out = []
    for w in re.findall(r"[^\W_]+", name):
        if w.lower() in STOPWORDS:
            continue
        out.append(w if w.isupper() else w[0].upper())
    return "".join(out)


def key_stem(name: str) -> str:
    """The citation-key stem of a corporate author: the initials of its significant
    words when it has three or more (``Commission on Global Governance`` -> ``cgg``),
    otherwise its words run together (``UN News`` -> ``unnews``)."""
    words = re.findall(r"[A-Za-z0-9]+", ascii_fold(name))
    significant = [w for w in words if w.lower() not in STOPWORDS]
    if len(significant) >= 3:
        return "".join(w[0] for w in significant).lower()
    return "".join(words).lower()
