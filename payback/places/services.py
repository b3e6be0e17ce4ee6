"""Where a postcode is, and bringing the ONS Postcode Directory into the service.

The rules of a lookup:
- the postcode is put in its normal form first ("sw1a1aa" is "SW1A 1AA"); text not shaped like a
  postcode is unknown;
- a postcode is known when the directory has it with a place (ONSPD rows without a grid
  reference are never imported); a terminated postcode is still known: where it was is where the
  person or site is, and the record should be brought up to date;
- an unknown postcode has no place: nothing is made up for it. The pages say so, and the
  allocation plan does not check travel for it (see docs/places.md)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from .models import Postcode
from .onspd import Progress, Reading, Row, open_text, read_rows
from .rules import normalise_postcode

BATCH_SIZE = 5_000
# A small extract of real postcodes for the demo data (see data/README.md), in the ONSPD's layout.
EXTRACT = Path(__file__).parent / "data" / "onspd_extract.csv"
UPDATED = ("latitude", "longitude", "introduced", "terminated", "local_authority", "region", "country")

Point = tuple[float, float]


@dataclass(frozen=True)
class Place:
    """A known postcode and where it is."""

    postcode: str
    latitude: float
    longitude: float
    terminated: date | None


def find_place(postcode: str | None) -> Place | None:
    """The place of a postcode, or None when the postcode is unknown (see the module's rules)."""
    normal = normalise_postcode(postcode)
    row = Postcode.objects.filter(pk=normal).first() if normal else None
    if row is None:
        return None
    return Place(row.postcode, float(row.latitude), float(row.longitude), row.terminated)


def postcode_place(postcode: str | None) -> Point | None:
    """(latitude, longitude) of a postcode, or None when it is unknown."""
    place = find_place(postcode)
    return (place.latitude, place.longitude) if place else None


def postcode_places(postcodes: Iterable[str | None]) -> dict[str, Point]:
    """(latitude, longitude) of each known postcode among `postcodes`, by the postcode as given
    (one query for them all); unknown ones are left out."""
    normal = {text: normalise_postcode(text) for text in set(postcodes) if text}
    wanted = {n for n in normal.values() if n}
    rows = {
        code: (float(lat), float(lon))
        for code, lat, lon in Postcode.objects.filter(pk__in=wanted).values_list("postcode", "latitude", "longitude")
    }
    return {text: rows[n] for text, n in normal.items() if n in rows}


def unknown_postcode_warning(postcode: str | None, *, whose: str) -> str | None:
    """What a page says when a postcode cannot be placed (`whose`: "Home", "Site"), or None when
    it is known."""
    if find_place(postcode) is not None:
        return None
    if not (postcode or "").strip():
        return f"No {whose.lower()} postcode is recorded: travel to work cannot be checked"
    if normalise_postcode(postcode) is None:
        return f"{whose} postcode {postcode} is not a valid postcode: travel to work cannot be checked"
    return f"{whose} postcode {postcode} was not found in the postcode directory: travel to work cannot be checked"


@dataclass(frozen=True)
class PostcodeImport:
    """What an import did: postcodes written (new or updated), of which terminated, and rows
    skipped for having no place."""

    imported: int
    terminated: int
    skipped: int


def postcodes_import(path: Path, *, progress: Progress | None = None, batch_size: int = BATCH_SIZE) -> PostcodeImport:
    """Add or update every postcode with a place in an ONSPD file (CSV or ZIP): idempotent, so
    importing a newer release over an older one updates it. All or nothing: a file that cannot be
    read (PostcodeFileError) writes nothing. `progress(characters read, of total, postcodes)` is
    called after each batch."""
    imported = terminated = 0
    with open_text(path) as (text, size), transaction.atomic():
        reading = Reading(total=size)
        batch: dict[str, Row] = {}
        for row in read_rows(text, reading):
            batch[row.postcode] = row
            if len(batch) >= batch_size:
                imported, terminated = _write(batch, imported, terminated)
                if progress:
                    progress(reading.done, reading.total, imported)
        imported, terminated = _write(batch, imported, terminated)
        if progress:
            progress(reading.total, reading.total, imported)
    return PostcodeImport(imported=imported, terminated=terminated, skipped=reading.skipped)


def _write(batch: dict[str, Row], imported: int, terminated: int) -> tuple[int, int]:
    rows = [
        Postcode(
            postcode=r.postcode,
            latitude=r.latitude,
            longitude=r.longitude,
            introduced=r.introduced,
            terminated=r.terminated,
            local_authority=r.local_authority,
            region=r.region,
            country=r.country,
        )
        for r in batch.values()
    ]
    Postcode.objects.bulk_create(rows, update_conflicts=True, unique_fields=["postcode"], update_fields=list(UPDATED))
    found = (imported + len(rows), terminated + sum(1 for r in batch.values() if r.terminated))
    batch.clear()
    return found
