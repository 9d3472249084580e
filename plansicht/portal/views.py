"""Public pages. They read stored forecasts; nothing is computed on page view."""

from django.shortcuts import render

from plansicht.plan.models import Programme


def index(request):
    programmes = Programme.objects.select_related("forecast", "organisation").order_by("title")
    return render(request, "portal/index.html", {"programmes": programmes})
