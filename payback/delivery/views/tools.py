"""Counting tools back in after work, on the supervisor's phone: the tools counted out, one by one;
or, on the copy kept on the phone before any tool had reached the service as counted out, written
the way the before-work checks take them."""

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.edge import bound, scoped, staff_page, submit
from payback.staff.models import User

from .. import selectors, services
from ..forms import SubmitKeyForm, ToolInForm, ToolsInTextForm
from ..models import Session
from ..services.tools import session_count_tools_in_lines
from .common import KEPT_COPY, RUN, back_to_session, once_per_key


@staff_page(RUN)
def tools_in(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    tools = selectors.tool_counts(session)
    written = request.method == "POST" and "tools_back" in request.POST
    if written or (not tools and request.GET.get(KEPT_COPY[0]) == KEPT_COPY[1]):
        return _tools_in_written(request, user, session)
    if not tools:
        return back_to_session(request, pk, "No tools were counted out for this session", refused=True)
    data = request.POST if request.method == "POST" else None
    forms_ = [
        (
            tool,
            ToolInForm(
                data,
                prefix=f"t{tool.pk}",
                initial={"counted_in": tool.counted_in, "damaged": tool.damaged or "", "note": tool.note},
            ),
        )
        for tool in tools
    ]
    errors: list[str] = []
    keys = bound(request, SubmitKeyForm)
    checked = [form.is_valid() for _, form in forms_] if request.method == "POST" else [False]
    if all(checked):
        counts = {
            tool.tool: (
                form.cleaned_data["counted_in"],
                form.cleaned_data["damaged"] or 0,
                form.cleaned_data["note"],
            )
            for tool, form in forms_
        }
        try:
            once_per_key(
                user, session, keys, "session.tools_in", {"counts": counts}, lambda: _count_in(user, session, counts)
            )
        except ValidationError as error:
            for message in error.messages:
                form = next((f for t, f in forms_ if t.tool in message), None)
                if form is not None:
                    form.add_error("counted_in", message)
                else:
                    errors.append(message)
        else:
            return back_to_session(request, pk, "Tools counted back in")
    field_errors = [
        (f"id_{form.prefix}-{name}", message)
        for _, form in forms_
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    return render(
        request,
        "delivery/tools_in.html",
        {"session": session, "forms": forms_, "errors": errors, "field_errors": field_errors, "keys": SubmitKeyForm()},
    )


def _count_in(user: User, session: Session, counts: dict[str, tuple[int, int, str]]) -> Session:
    services.session_count_tools_in(actor=user, session=session, counts=counts)
    return session


def _tools_in_written(request: HttpRequest, user: User, session: Session) -> HttpResponse:
    """Counting tools back in on the copy kept on the phone in the morning, before any tool had
    reached the service as counted out: the tools written the way the before-work checks take
    them, sent (after the checks kept with them) and matched against the tools counted out."""
    form = bound(request, ToolsInTextForm)
    keys = bound(request, SubmitKeyForm)

    def count_in(data: dict[str, Any]) -> int:
        lines = {"back": data["tools_back"], "damaged": data["tools_damaged"], "note": data["note"]}
        write = partial(session_count_tools_in_lines, actor=user, session=session, **lines)
        return once_per_key(user, session, keys, "session.tools_in", lines, write)

    if submit(form, count_in, rename={"tools_in": "tools_back"}).ok:
        return back_to_session(request, session.pk, "Tools counted back in")
    fields = [(f"id_{name}", message) for name in form.fields for message in form.errors.get(name, [])]
    return render(
        request,
        "delivery/tools_in.html",
        {
            "session": session,
            "written": form,
            "errors": form.non_field_errors(),
            "field_errors": fields,
            "keys": SubmitKeyForm(),
        },
    )
