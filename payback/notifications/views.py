"""Each member of staff's notifications, marked read one at a time or all at once; and the page
where senior probation officers and operations managers set the duty senior for a day."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payback.core.edge import bound, redirect_success, staff_page, staff_user, submit
from payback.core.registers import paginate
from payback.staff.roles import SET_DUTY_SENIOR
from payback.staff.selectors import pdus_for, seniors_for

from . import selectors, services
from .forms import DutySeniorForm


@staff_page()
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    context = {
        "page": paginate(request, selectors.notifications_of(user)),
        "unread": selectors.unread_count(user),
        "can_set_duty": user.has_perm(SET_DUTY_SENIOR),
    }
    return render(request, "notifications/index.html", context)


@require_POST
@staff_page()
def read(request: HttpRequest) -> HttpResponse:
    """Mark one of the member of staff's notifications read (anyone else's is not found)."""
    user = staff_user(request)
    raw = request.POST.get("notification", "")
    if not raw.isdigit():
        raise BadRequest("Say which notification to mark as read")
    notification = selectors.own_notifications(user, [int(raw)]).get()
    services.mark_read(user, [notification.pk])
    return redirect_success(request, f"“{notification.subject}” marked as read", "notifications:index")


@require_POST
@staff_page()
def read_all(request: HttpRequest) -> HttpResponse:
    marked = services.mark_all_read(staff_user(request))
    message = f"{marked} notification{'s' if marked != 1 else ''} marked as read" if marked else "Nothing was unread"
    return redirect_success(request, message, "notifications:index")


@staff_page(SET_DUTY_SENIOR)
def duty(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    pdus = pdus_for(user)
    form = bound(
        request,
        DutySeniorForm,
        pdus=pdus,
        seniors=seniors_for(user),
        initial={"on": today, "pdu": pdus.first() if pdus.count() == 1 else None},
    )
    done = submit(
        form, lambda data: services.duty_senior_set(actor=user, pdu=data["pdu"], on=data["on"], user=data["user"])
    )
    if done.ok and done.value is not None:
        duty = done.value
        message = f"{duty.user.get_full_name()} is the duty senior for {duty.pdu.name} on {duty.on:%-d %B %Y}"
        return redirect_success(request, message, "notifications:duty")
    context = {"form": form, "rota": selectors.duty_rota(user, start=today)[:60]}
    return render(request, "notifications/duty.html", context)
