from django.http import HttpRequest, HttpResponse


def caseload(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def case_create(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
