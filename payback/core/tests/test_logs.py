"""The service's logs: JSON lines with the request id and task, errors with what is needed to act
on them, and never a person's name, CRN, date of birth or contact details."""

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory

from payback.cases.models import Requirement
from payback.core.logs import JsonFormatter, PersonalDataFilter, TextFormatter, TraceFilter, mask, mask_path
from payback.core.trace import Trace, reset_trace, set_trace
from payback.staff.models import User


def written(record: logging.LogRecord, formatter: logging.Formatter | None = None) -> str:
    """The line a record becomes on the service's handler."""
    for check in (TraceFilter(), PersonalDataFilter()):
        check.filter(record)
    return (formatter or JsonFormatter()).format(record)


def record(message: str, *args: Any, level: int = logging.INFO, **extra: Any) -> logging.LogRecord:
    made = logging.LogRecord("payback.cases", level, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_personal_details_are_masked_and_the_rest_kept() -> None:
    text = (
        "Case X123456 born 17/05/1990 (1990-05-17, 17 May 1990) email alex.smith@example.com "
        "phone 07700 900123 or +44 7700900123 lives at NE1 4ST: 3 sessions, run 42"
    )
    assert mask(text) == (
        "Case [crn] born [date] ([date], [date]) email [email] phone [phone] or [phone] lives at [postcode]: "
        "3 sessions, run 42"
    )
    assert mask_path("/api/v1/people/X123456/reallocation", "q=Smith&page=2") == (
        "/api/v1/people/[crn]/reallocation?q=&page="
    )


@pytest.mark.django_db
def test_a_record_passed_to_a_log_call_is_written_as_its_kind_and_key(
    make_case: Callable[..., Requirement],
) -> None:
    requirement = make_case(first_name="Alexandra", last_name="Quill")
    person = requirement.person
    line = json.loads(written(record("Looked at %s (%s)", person, person.crn)))
    assert line["message"] == f"Looked at cases.person:{person.pk} ([crn])"
    assert "Quill" not in json.dumps(line)


def test_a_json_line_carries_the_request_task_and_extra_fields_masked() -> None:
    token = set_trace(Trace(request_id="req-000111222", task_id="t-1", task="payback.core.tasks.worker_check"))
    try:
        line = json.loads(
            written(record("Run %s done", 7, run_id=7, first_name="Alex", details={"dob": "1990-05-17", "n": 3}))
        )
    finally:
        reset_trace(token)
    assert line["message"] == "Run 7 done"
    assert (line["level"], line["logger"], line["request_id"]) == ("INFO", "payback.cases", "req-000111222")
    assert (line["task_id"], line["task"]) == ("t-1", "payback.core.tasks.worker_check")
    assert line["run_id"] == 7
    assert line["first_name"] == "[redacted]"
    assert line["details"] == {"dob": "[redacted]", "n": 3}
    assert line["time"].endswith("+00:00")


def test_an_error_is_reported_with_its_request_type_and_stack_masked(practitioner: User) -> None:
    request = RequestFactory().get("/cases/X654321/", {"q": "Quill"})
    request.user = practitioner
    request.resolver_match = type("Match", (), {"view_name": "cases:detail"})()
    try:
        raise ValueError("No order for X654321 born 1990-05-17")
    except ValueError:
        failed = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (), None)
        failed.exc_info = sys.exc_info()
    failed.args = (request.path,)
    failed.request = request
    failed.status_code = 500
    line = json.loads(written(failed))
    assert line["message"] == "Internal Server Error: /cases/[crn]/"
    assert line["http"] == {
        "method": "GET",
        "path": "/cases/[crn]/?q=",
        "view": "cases:detail",
        "user_id": practitioner.pk,
        "status": 500,
    }
    assert line["error"]["type"] == "ValueError"
    assert line["error"]["message"] == "No order for [crn] born [date]"
    assert "test_logs.py" in line["error"]["stack"] and "X654321" not in line["error"]["stack"]
    assert "Quill" not in json.dumps(line)


def test_plain_lines_for_development_are_masked_too() -> None:
    line = written(record("Case %s", "X123456"), TextFormatter())
    assert line.endswith("INFO payback.cases [] Case [crn]")


def production_settings(**environ: str) -> subprocess.CompletedProcess[str]:
    code = "import django; django.setup(); from django.conf import settings; print(settings.LOGGING['handlers'])"
    base = {"DJANGO_SETTINGS_MODULE": "payback.config.settings.production", "SECRET_KEY": "s" * 60}
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "ALLOWED_HOSTS": "payback.example.gov.uk", **base, **environ},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_logs_json_and_refuses_a_short_operations_token() -> None:
    started = production_settings()
    assert started.returncode == 0, started.stderr
    assert "'formatter': 'json'" in started.stdout
    refused = production_settings(OPS_TOKEN="short")
    assert refused.returncode != 0
    assert "OPS_TOKEN must be a random value of at least 32 characters" in refused.stderr
