"""The postcode fixture (tests/fixtures/onspd_test_fixture.csv: see the README beside it)."""

import zipfile
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "onspd_test_fixture.csv"


@pytest.fixture
def onspd_csv() -> Path:
    return FIXTURE


@pytest.fixture
def onspd_zip(tmp_path: Path) -> Path:
    """The fixture packed as the ONS publish the directory: Data/ONSPD_<release>_UK.csv beside other files."""
    path = tmp_path / "ONSPD_NOV_2026.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Documents/Read me.txt", "The ONS Postcode Directory")
        archive.writestr("Data/multi_csv/ONSPD_NOV_2026_UK_NE.csv", "not,the,main,file\n")
        archive.write(FIXTURE, "Data/ONSPD_NOV_2026_UK.csv")
    return path
