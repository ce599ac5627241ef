"""What a text or an address from a data file may hold: one rule for every input.

Every stage that reads a file (the article texts in ``sources``, every YAML file in
``yamlfile``) asks here, so the rule is written once:

* no C0 or C1 control character (a caller names the white space it allows: tab and line
  ends in YAML, tab and form feed in an article text, whose lines are already split);
* no lone surrogate (a YAML escape such as ``"\\ud800"`` makes one; no file can be
  written with it);
* no Unicode noncharacter (U+FDD0..U+FDEF and the last two code points of each plane).
  Unicode sets these aside for a program's internal use, and the pipeline takes its own
  delimiters from them (``model.FN_OPEN`` ...), so no source can forge a footnote or
  citation marker.  Private-use characters, which PDF conversions produce for
  symbol-font glyphs, are ordinary text.

Addresses that become links (``is_safe_url``) are http(s), mailto or ``doi:`` forms.
"""

from __future__ import annotations

import re


def _forbidden_class() -> str:
    controls = "\x00-\x1f\x7f-\x9f"
    surrogates = "\ud800-\udfff"
    nonchars = "\ufdd0-\ufdef" + "".join(
        chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17)
    )
    return f"[{controls}{surrogates}{nonchars}]"


_FORBIDDEN = re.compile(_forbidden_class())


def forbidden_character(text: str, allowed: str = "\t\n") -> tuple[int, str] | None:
    """The 0-based index and the character of the first character ``text`` may not hold
    (those in ``allowed`` aside), or ``None``."""
    for m in _FORBIDDEN.finditer(text):
        if m.group() not in allowed:
            return m.start(), m.group()
    return None


def describe_character(char: str, allowed: str = "tab and line ends") -> str:
    """Why ``char`` is refused, for a message."""
    point = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"lone surrogate {point} in a text (an escape for half a character)"
    if ord(char) < 0xA0:
        return f"control character {point} in a text (only {allowed} may be)"
    return f"Unicode noncharacter {point} in a text (the pipeline reserves these)"


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def is_safe_url(url: str, schemes: tuple[str, ...] = ("http", "https", "mailto")) -> bool:
    """Whether an address from a data file may become a link.

    Its scheme must be one of ``schemes`` (compared without case), or it is a
    ``doi:10.x/y`` form, which the pages turn into a doi.org address.  An address with
    white space, a control character, quotes, angle brackets or backslashes is refused
    outright: none belongs in an address written out in full, and a browser ignores some
    of them inside a scheme ("java\\tscript:").
    """
    if re.search(r"[\s\x00-\x1f\x7f\"'<>`\\]", url):
        return False
    m = _URL_SCHEME.match(url)
    if m is None:
        return False
    scheme = m.group(1).lower()
    if scheme == "doi":
        return url[4:].startswith("10.")
    if scheme in ("http", "https"):
        return scheme in schemes and url[m.end() :].startswith("//")
    return scheme in schemes
