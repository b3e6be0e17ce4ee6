"""What a UK postcode looks like, written once: the normal form every lookup and every stored
postcode uses ("SW1A 1AA": capitals, one space before the last three characters)."""

import re

# The outward code (area letters, district digit and an optional digit or letter) and the inward
# code (a digit and two letters). "GIR 0AA" is the one postcode outside the pattern.
_SHAPE = re.compile(r"^(?:[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}|GIR0AA)$")


def normalise_postcode(text: str | None) -> str | None:
    """The postcode in its normal form ("sw1a1aa " gives "SW1A 1AA"), or None when the text is not
    shaped like a UK postcode (blank, too short, wrong letters and digits)."""
    if not text:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    if not _SHAPE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"
