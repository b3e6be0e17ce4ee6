"""Reading the ONS Postcode Directory (ONSPD) as it is published: one CSV with a header row (or
the ZIP it comes in, whose Data/ONSPD_*.csv is the whole of the UK), read as a stream, row by
row, so that the full file (about 2.7 million rows, 1 GB) never has to be in memory.

The columns used are those every release has (`pcds`, `dointr`, `doterm`, `lat`, `long`) and,
when present, the local authority, region and country codes, whose names carry the year of the
boundaries in newer releases (`oslaua` or `lad25cd`, `rgn` or `rgn25cd`, `ctry` or `ctry25cd`)."""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from .rules import normalise_postcode

REQUIRED = ("pcds", "dointr", "doterm", "lat", "long")
OPTIONAL = {
    "local_authority": re.compile(r"^(oslaua|lad\d\dcd)$"),
    "region": re.compile(r"^(rgn|rgn\d\dcd)$"),
    "country": re.compile(r"^(ctry|ctry\d\dcd)$"),
}
# ONSPD gives a postcode with no grid reference this latitude (and a longitude of 0).
NO_LATITUDE = Decimal("99.999999")
_MAIN_CSV = re.compile(r"(^|/)Data/ONSPD_[^/]*\.csv$", re.IGNORECASE)


class PostcodeFileError(ValueError):
    """The file is not the ONS Postcode Directory, or a row of it cannot be read."""


@dataclass(frozen=True)
class Row:
    """One postcode read from the file, with a place (rows without one are skipped)."""

    postcode: str
    latitude: Decimal
    longitude: Decimal
    introduced: date | None
    terminated: date | None
    local_authority: str
    region: str
    country: str


@dataclass
class Reading:
    """How far through the file: characters read of the total, and rows without a place skipped."""

    total: int
    done: int = 0
    skipped: int = 0


@contextmanager
def open_text(path: Path) -> Iterator[tuple[IO[str], int]]:
    """The CSV as text and its size: the file itself, or the main CSV inside an ONSPD ZIP."""
    if not path.exists():
        raise PostcodeFileError(f"There is no file at {path}")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if _MAIN_CSV.search(n)]
            if not names:
                raise PostcodeFileError(f"{path.name} is a ZIP with no Data/ONSPD_*.csv in it: is it the ONSPD?")
            with archive.open(names[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), archive.getinfo(names[0]).file_size
        return
    with path.open(encoding="utf-8-sig", newline="") as text:
        yield text, path.stat().st_size


def read_rows(text: IO[str], reading: Reading) -> Iterator[Row]:
    """The rows with a place, in file order; `reading` counts the characters read and the rows skipped."""
    lines = _counted(text, reading)
    reader = csv.reader(lines)
    header = [name.strip().lower() for name in next(reader, [])]
    columns = _columns(header)
    for number, values in enumerate(reader, start=2):
        if not values:
            continue
        row = _row(values, columns, number)
        if row is None:
            reading.skipped += 1
        else:
            yield row


def _counted(text: IO[str], reading: Reading) -> Iterator[str]:
    for line in text:
        reading.done += len(line)
        yield line


def _columns(header: list[str]) -> dict[str, int]:
    """Where each column used is: PostcodeFileError naming every required column missing."""
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise PostcodeFileError(
            "This is not the ONS Postcode Directory: it has no "
            + ", ".join(f"'{name}'" for name in missing)
            + f" column (the ONSPD has {', '.join(REQUIRED)})"
        )
    found = {name: header.index(name) for name in REQUIRED}
    for field, pattern in OPTIONAL.items():
        found[field] = next((i for i, name in enumerate(header) if pattern.match(name)), -1)
    return found


def _row(values: list[str], columns: dict[str, int], number: int) -> Row | None:
    def value(name: str) -> str:
        index = columns[name]
        return values[index].strip() if 0 <= index < len(values) else ""

    postcode = normalise_postcode(value("pcds"))
    if postcode is None:
        raise PostcodeFileError(f"Row {number}: pcds {value('pcds')!r} is not a postcode")
    if not value("lat") or not value("long") or _number(value("lat"), "lat", number, 100) == NO_LATITUDE:
        return None
    latitude, longitude = _number(value("lat"), "lat", number, 90), _number(value("long"), "long", number, 180)
    return Row(
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        introduced=_month(value("dointr"), "dointr", number),
        terminated=_month(value("doterm"), "doterm", number),
        local_authority=value("local_authority")[:9],
        region=value("region")[:9],
        country=value("country")[:9],
    )


def _number(text: str, column: str, number: int, limit: int) -> Decimal:
    try:
        found = Decimal(text)
    except InvalidOperation:
        raise PostcodeFileError(f"Row {number}: {column} {text!r} is not a number") from None
    if not found.is_finite() or abs(found) > limit:
        raise PostcodeFileError(f"Row {number}: {column} {text!r} is out of range")
    return found.quantize(Decimal("0.000001"))


def _month(text: str, column: str, number: int) -> date | None:
    """ONSPD's months are YYYYMM: the first of that month."""
    if not text:
        return None
    if not re.fullmatch(r"\d{6}", text) or not 1 <= int(text[4:]) <= 12:
        raise PostcodeFileError(f"Row {number}: {column} {text!r} is not a month (YYYYMM)")
    return date(int(text[:4]), int(text[4:]), 1)


Progress = Callable[[int, int, int], None]
