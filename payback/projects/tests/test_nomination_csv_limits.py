"""The nominations CSV is streamed from the database in chunks, never built in memory, and one
download holds a bounded number of rows: a longer list is refused with a message to narrow it."""

import csv
import io
from collections.abc import Callable
from unittest import mock

import pytest
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.test import Client

from payback.projects import csv_download
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR

from .test_pages import nominate

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(make_user: Callable[..., User], pdu_a: Pdu) -> Client:
    client = Client()
    client.force_login(make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a))
    return client


def rows_of(response: StreamingHttpResponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_is_streamed_from_the_database_in_chunks(coordinator_client: Client, pdu_a: Pdu) -> None:
    for n in range(3):
        nominate(pdu_a, work_description=f"Job {n}", nominator_name="+44 7700 900000" if n == 0 else "Jo Bloggs")
    iterate = QuerySet.iterator
    chunk_sizes: list[int | None] = []

    def spy(queryset: QuerySet, chunk_size: int | None = None) -> object:
        chunk_sizes.append(chunk_size)
        return iterate(queryset, chunk_size=chunk_size)

    with mock.patch.object(QuerySet, "iterator", spy):
        response = coordinator_client.get("/projects/nominations/download.csv")
        assert isinstance(response, StreamingHttpResponse)
        assert response.streaming
        rows = rows_of(response)
    assert chunk_sizes == [csv_download.CHUNK]
    assert len(rows) == 4
    assert sorted(row[5] for row in rows[1:]) == ["Job 0", "Job 1", "Job 2"]
    assert "'+44 7700 900000" in [row[3] for row in rows]  # still never a spreadsheet formula


def test_a_download_over_the_cap_is_refused_with_a_message(
    coordinator_client: Client, pdu_a: Pdu, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        nominate(pdu_a, work_description=f"Job {n}")
    monkeypatch.setattr(csv_download, "MAX_ROWS", 2)
    response = coordinator_client.get("/projects/nominations/download.csv", {"q": "Jo"})
    assert response.status_code == 302
    assert response["Location"] == "/projects/nominations/?q=Jo"
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "There are 3 nominations in this list, and one download holds at most 2." in page
    assert "Narrow the list by status or search, then download it again." in page

    # A narrower list within the cap downloads.
    narrow = coordinator_client.get("/projects/nominations/download.csv", {"q": "NOM-none"})
    assert narrow.status_code == 200
    assert len(rows_of(narrow)) == 1


def test_the_cap_is_ten_thousand_rows() -> None:
    assert csv_download.MAX_ROWS == 10_000
