from django.urls import path

from . import participation, views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("accessibility/", views.site_page, {"key": "accessibility"}, name="accessibility"),
    path("imprint/", views.site_page, {"key": "imprint"}, name="imprint"),
    path("p/<slug:slug>/", views.overview, name="overview"),
    path("p/<slug:slug>/measures/", views.measure_list, name="measures"),
    path("p/<slug:slug>/measures/<path:code>/", views.measure_detail, name="measure"),
    path("p/<slug:slug>/milestones/<path:code>/", views.milestone_detail, name="milestone"),
    path("p/<slug:slug>/history/", views.history, name="history"),
    path("p/<slug:slug>/finance/", views.finance, name="finance"),
    path("p/<slug:slug>/positions/", views.positions, name="positions"),
    path("p/<slug:slug>/finance/<path:code>/", views.measure_finance, name="measure_finance"),
    path("p/<slug:slug>/methodology/", views.methodology, name="methodology"),
    path("p/<slug:slug>/fragen/", participation.questions, name="questions"),
    path("p/<slug:slug>/fragen/<path:code>/", participation.question, name="question"),
    path("p/<slug:slug>/stellungnahmen/<path:code>/", participation.statement, name="statement"),
]
