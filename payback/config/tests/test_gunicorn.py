"""The web server's settings: as many processes as the container's CPUs allow, and access lines
as JSON with the request id, the address masked and without its query string's values."""

import json
from datetime import timedelta
from pathlib import Path

import pytest


def test_the_web_servers_access_lines_are_json_with_the_request_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the config file sets one otherwise
    from gunicorn.config import Config

    from payback.config.gunicorn import JsonLogger, cpus_available

    assert cpus_available() >= 1
    config = Config()
    config.set("accesslog", "-")
    logger = JsonLogger(config)
    response = type("Response", (), {"status": "200 OK", "headers": [("X-Request-ID", "req-123456789")], "sent": 512})
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/cases/X123456/",
        "QUERY_STRING": "q=Quill",
        "REMOTE_ADDR": "10.0.0.5",
    }
    logger.access(response(), None, environ, timedelta(milliseconds=42))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["message"] == "GET /cases/[crn]/?q= 200"
    assert line["request_id"] == "req-123456789"
    assert line["http"] == {
        "method": "GET",
        "path": "/cases/[crn]/?q=",
        "status": 200,
        "duration_ms": 42.0,
        "bytes": 512,
        "remote": "10.0.0.5",
    }
