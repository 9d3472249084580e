from django.urls import path

from . import (
    consultations,
    decisions,
    feeds,
    my_account,
    opendata,
    participation,
    proposals,
    reports,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("accessibility/", views.site_page, {"key": "accessibility"}, name="accessibility"),
    path("imprint/", views.site_page, {"key": "imprint"}, name="imprint"),
    path("leichte-sprache/", views.site_page, {"key": "easy-language"}, name="easy_language"),
    path("gebaerdensprache/", views.site_page, {"key": "sign-language"}, name="sign_language"),
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
    # Before the statement's page, whose <path:code> would take "S1/pdf" for a code.
    path(
        "p/<slug:slug>/stellungnahmen/<path:code>/pdf/",
        participation.statement_pdf,
        name="statement_pdf",
    ),
    path("p/<slug:slug>/stellungnahmen/<path:code>/", participation.statement, name="statement"),
    path("p/<slug:slug>/vorschlaege/", proposals.proposals, name="proposals"),
    path("p/<slug:slug>/vorschlaege/neu/", proposals.new_proposal, name="proposal_new"),
    # Before the proposal's page, whose <path:code> would take "V1/datei" for a code.
    path(
        "p/<slug:slug>/vorschlaege/<path:code>/datei/",
        proposals.proposal_file,
        name="proposal_file",
    ),
    path("p/<slug:slug>/vorschlaege/<path:code>/", proposals.proposal, name="proposal"),
    path("p/<slug:slug>/melden/<str:kind>/<path:ref>/", participation.report, name="report"),
    path("p/<slug:slug>/folgen/", participation.follow, name="follow"),
    path("p/<slug:slug>/konsultationen/", consultations.consultations, name="consultations"),
    path(
        "p/<slug:slug>/konsultationen/<str:code>/entwurf.pdf",
        consultations.consultation_pdf,
        name="consultation_pdf",
    ),
    path(
        "p/<slug:slug>/konsultationen/<str:code>/ergebnisse.csv",
        consultations.consultation_results_csv,
        name="consultation_results_csv",
    ),
    path(
        "p/<slug:slug>/konsultationen/<str:code>/",
        consultations.consultation,
        name="consultation",
    ),
    path("p/<slug:slug>/beschluesse/", decisions.register, name="decisions"),
    path("p/<slug:slug>/beschluesse/<int:pk>/", decisions.decision, name="decision"),
    path("p/<slug:slug>/berichte/", reports.reports, name="reports"),
    path("p/<slug:slug>/berichte/<int:pk>/<str:fmt>/", reports.report_file, name="report_file"),
    path("p/<slug:slug>/daten/", opendata.download, name="opendata"),
    path(
        "p/<slug:slug>/daten/massnahme/<path:code>.ics",
        opendata.measure_calendar,
        name="opendata_measure_calendar",
    ),
    path("p/<slug:slug>/daten/<str:name>", opendata.file, name="opendata_file"),
    path("p/<slug:slug>/feed/", feeds.ProgrammeFeed(), name="feed"),
    path("p/<slug:slug>/feed/<path:code>/", feeds.MeasureFeed(), name="measure_feed"),
    # A participant's own pages (beside allauth's under konto/, see plansicht/urls.py).
    path("konto/uebersicht/", my_account.overview, name="account"),
    path("konto/meine-daten/", my_account.export, name="account_export"),
    path("konto/loeschen/", my_account.delete, name="account_delete"),
]
