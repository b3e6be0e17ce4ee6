"""The embedded SQLite database (make run) is shared by the web server and the background worker:
with the service's settings, a write that meets another transaction's write lock waits for it
instead of failing with "database is locked"."""

import runpy
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.utils import ConnectionHandler

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"


def sqlite_settings(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return dict(runpy.run_path(str(BASE_SETTINGS))["DATABASES"]["default"])


def test_sqlite_is_configured_for_concurrent_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = sqlite_settings(tmp_path / "payback.sqlite3", monkeypatch)["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_postgres_settings_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example:5432/payback")
    options = runpy.run_path(str(BASE_SETTINGS))["DATABASES"]["default"]["OPTIONS"]
    assert "transaction_mode" not in options and "init_command" not in options


def test_a_write_waits_for_another_transactions_lock_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_db_blocker: Any
) -> None:
    """The worker reads, then writes, in one transaction while the web server writes: under SQLite's
    defaults one of them failed at once with "database is locked"."""
    config = sqlite_settings(tmp_path / "payback.sqlite3", monkeypatch)
    handler = ConnectionHandler({"default": config})
    monkeypatch.setattr(transaction, "connections", handler)  # atomic() on these connections
    read_done, web_wrote = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with transaction.atomic(), handler["default"].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM plan")
                read_done.set()
                web_wrote.wait(timeout=1)  # the web server tries to write meanwhile
                cursor.execute("INSERT INTO plan (who) VALUES ('worker')")
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
            read_done.set()
        finally:
            handler["default"].close()

    def web() -> None:
        try:
            read_done.wait(timeout=5)
            with transaction.atomic(), handler["default"].cursor() as cursor:
                cursor.execute("INSERT INTO plan (who) VALUES ('web')")
            web_wrote.set()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            handler["default"].close()

    with django_db_blocker.unblock():
        with handler["default"].cursor() as cursor:
            cursor.execute("CREATE TABLE plan (id INTEGER PRIMARY KEY, who TEXT)")
        handler["default"].close()
        threads = [threading.Thread(target=worker), threading.Thread(target=web)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with handler["default"].cursor() as cursor:
            cursor.execute("SELECT who FROM plan ORDER BY who")
            rows = [row[0] for row in cursor.fetchall()]
        handler["default"].close()
    assert errors == []
    assert rows == ["web", "worker"]
