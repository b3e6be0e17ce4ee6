"""Importing the ONS Postcode Directory: the CSV and the ZIP, with progress, again and again."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from payback.places.models import Postcode
from payback.places.onspd import PostcodeFileError
from payback.places.services import postcodes_import

pytestmark = pytest.mark.django_db


def test_the_csv_is_imported_with_each_postcodes_place(onspd_csv: Path) -> None:
    result = postcodes_import(onspd_csv)
    assert (result.imported, result.terminated, result.skipped) == (8, 1, 1)
    newcastle = Postcode.objects.get(pk="NE1 4BX")
    assert (newcastle.latitude, newcastle.longitude) == (Decimal("54.974706"), Decimal("-1.619188"))
    assert (newcastle.local_authority, newcastle.region, newcastle.country) == ("E08000021", "E12000001", "E92000001")
    assert newcastle.terminated is None and newcastle.introduced is None
    assert Postcode.objects.get(pk="NE30 1QQ").latitude == Decimal("55.009917")


def test_a_postcode_without_a_place_is_skipped(onspd_csv: Path) -> None:
    postcodes_import(onspd_csv)
    assert not Postcode.objects.filter(pk="NE99 1ZZ").exists()


def test_a_terminated_postcode_is_kept_and_flagged(onspd_csv: Path) -> None:
    postcodes_import(onspd_csv)
    assert Postcode.objects.get(pk="DL1 5QD").terminated == date(2020, 3, 1)


def test_importing_again_updates_rather_than_duplicates(onspd_csv: Path, tmp_path: Path) -> None:
    postcodes_import(onspd_csv)
    newer = tmp_path / "newer.csv"
    text = onspd_csv.read_text().replace("NE1 4BX,,,0", "NE1 4BX,199001,202601,0")
    newer.write_text(text.replace("54.974706,-1.619188", "54.974700,-1.619100"))
    result = postcodes_import(newer)
    assert result.imported == 8 and Postcode.objects.count() == 8
    newcastle = Postcode.objects.get(pk="NE1 4BX")
    assert (newcastle.latitude, newcastle.longitude) == (Decimal("54.974700"), Decimal("-1.619100"))
    assert (newcastle.introduced, newcastle.terminated) == (date(1990, 1, 1), date(2026, 1, 1))


def test_the_zip_as_published_is_read_from_its_data_folder(onspd_zip: Path) -> None:
    assert postcodes_import(onspd_zip).imported == 8
    assert Postcode.objects.filter(pk="SW1A 1AA").exists()


def test_progress_is_reported_in_batches_up_to_the_whole_file(onspd_csv: Path) -> None:
    seen: list[tuple[int, int, int]] = []
    postcodes_import(onspd_csv, progress=lambda done, total, n: seen.append((done, total, n)), batch_size=3)
    assert [n for _, _, n in seen] == [3, 6, 8]
    assert seen[-1][0] == seen[-1][1] == onspd_csv.stat().st_size
    assert all(a[0] <= b[0] for a, b in pairwise(seen))


def test_newer_releases_name_the_area_columns_with_their_year(tmp_path: Path) -> None:
    path = tmp_path / "ONSPD_2026.csv"
    path.write_text(
        "pcd7,pcd8,pcds,dointr,doterm,lad25cd,rgn25cd,ctry25cd,lat,long\n"
        "NE1 4BX,NE1  4BX,NE1 4BX,198001,,E08000021,E12000001,E92000001,54.974706,-1.619188\n"
    )
    postcodes_import(path)
    row = Postcode.objects.get(pk="NE1 4BX")
    assert (row.local_authority, row.region, row.introduced) == ("E08000021", "E12000001", date(1980, 1, 1))


def test_a_file_that_is_not_the_directory_is_refused_naming_the_columns_missing(tmp_path: Path) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text("postcode,lat,long\nNE1 4BX,54.97,-1.62\n")
    with pytest.raises(PostcodeFileError, match="no 'pcds', 'dointr', 'doterm' column"):
        postcodes_import(path)
    assert not Postcode.objects.exists()


def test_a_bad_row_writes_nothing_and_names_the_row(onspd_csv: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(onspd_csv.read_text() + "ZZ1 1ZZ,ZZ1  1ZZ,ZZ1 1ZZ,,,0,1,1,1,,,,north,-1.0,\n")
    with pytest.raises(PostcodeFileError, match="Row 11: lat 'north' is not a number"):
        postcodes_import(path, batch_size=2)
    assert not Postcode.objects.exists()


def test_the_command_imports_and_says_what_it_did(onspd_zip: Path) -> None:
    out = io.StringIO()
    call_command("import_postcodes", str(onspd_zip), stdout=out)
    text = out.getvalue()
    assert "100.0%" in text
    assert "Imported 8 postcodes (1 terminated) from ONSPD_NOV_2026.zip" in text
    assert "skipped 1 without a place" in text


def test_the_command_fails_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text("pcds,dointr,doterm,latitude,longitude\n")
    with pytest.raises(CommandError, match="no 'lat', 'long' column"):
        call_command("import_postcodes", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("import_postcodes", str(tmp_path / "missing.csv"), stdout=io.StringIO())
    empty_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("Data/other.csv", "a,b\n")
    with pytest.raises(CommandError, match="no Data/ONSPD_"):
        call_command("import_postcodes", str(empty_zip), stdout=io.StringIO())


def test_quoted_fields_capital_headers_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ONSPD_QUOTED.csv"
    path.write_text(
        '\ufeff"PCD","PCDS","DOINTR","DOTERM","LAT","LONG"\n"SW1A1AA","SW1A 1AA","198001","","51.501009","-0.141588"\n',
        encoding="utf-8",
    )
    assert postcodes_import(path).imported == 1
    assert Postcode.objects.get(pk="SW1A 1AA").introduced == date(1980, 1, 1)
