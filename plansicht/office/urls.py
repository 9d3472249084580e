from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.cache import never_cache

from . import (
    acceptance,
    change_requests,
    conditions,
    consultations,
    dashboard,
    decisions,
    entrance,
    finance,
    imports,
    indicators,
    participation,
    plan,
    proposals,
    reports,
    risks,
    staffing,
    tokens,
)

app_name = "office"
urlpatterns = [
    path("<slug:slug>/reports/", reports.reports, name="reports"),
    path(
        "<slug:slug>/reports/change-requests/<int:pk>/status/",
        change_requests.status,
        name="change_request_status",
    ),
    path("<slug:slug>/reports/<int:pk>/<str:fmt>/", reports.report_file, name="report_file"),
    path("<slug:slug>/reports/jobs/<uuid:job>/", reports.report_job, name="report_job"),
    path("", entrance.index, name="index"),
    path("login/", entrance.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/milestones/", plan.milestone_list, name="milestones"),
    # Before the milestone's page, whose <path:code> would take "A/acceptance" for a code.
    path(
        "<slug:slug>/milestones/<path:code>/acceptance/pdf/",
        acceptance.document,
        name="acceptance_document",
    ),
    path(
        "<slug:slug>/milestones/<path:code>/acceptance/",
        acceptance.acceptance,
        name="milestone_acceptance",
    ),
    path("<slug:slug>/milestones/<path:code>/", plan.milestone_edit, name="milestone"),
    path("<slug:slug>/measures/<path:code>/", indicators.measure, name="measure"),
    path("<slug:slug>/indicators/<int:pk>/", indicators.indicator, name="indicator"),
    path(
        "<slug:slug>/indicator-values/<int:pk>/",
        indicators.indicator_value,
        name="indicator_value",
    ),
    path("<slug:slug>/plan-versions/", plan.plan_versions, name="plan_versions"),
    path("<slug:slug>/import/", imports.plan_import, name="plan_import"),
    path("<slug:slug>/import/jobs/<uuid:job>/", imports.plan_import_job, name="plan_import_job"),
    path(
        "<slug:slug>/import/vorlage.xlsx",
        imports.plan_import_template,
        name="plan_import_template",
    ),
    path("<slug:slug>/import/plan.xlsx", imports.plan_import_current, name="plan_import_current"),
    path("<slug:slug>/positions/", staffing.positions, name="positions"),
    path("<slug:slug>/hiring-settings/", staffing.hiring_settings, name="hiring_settings"),
    path("<slug:slug>/positions/<path:code>/", staffing.position, name="position"),
    path("<slug:slug>/what-if/", staffing.what_if, name="what_if"),
    path("<slug:slug>/finance/", finance.finance, name="finance"),
    path("<slug:slug>/finance/kfp/", finance.kfp, name="kfp"),
    # each kind of money entry: its list, new, one entry and its remove page
    *finance.urls(finance.COST_LINES),
    *finance.urls(finance.EXPENDITURES),
    *finance.urls(finance.BUDGET_LINES),
    *finance.urls(finance.DRAWDOWN_PLAN),
    *finance.urls(finance.DRAWDOWNS),
    *finance.urls(finance.REPAYMENTS),
    *finance.urls(finance.PROOFS),
    path("<slug:slug>/finance/conditions/", conditions.conditions, name="conditions"),
    path(
        "<slug:slug>/finance/conditions/<path:code>/notify/",
        conditions.notify,
        name="conditions_notify",
    ),
    path("<slug:slug>/finance/conditions/<path:code>/", conditions.edit, name="conditions_edit"),
    path("<slug:slug>/participation/", participation.inbox, name="participation"),
    path("<slug:slug>/participation/new/", participation.new, name="participation_new"),
    path(
        "<slug:slug>/participation/<str:kind>/<path:code>/",
        participation.item,
        name="participation_item",
    ),
    path("<slug:slug>/moderation/", participation.moderation, name="moderation"),
    path("<slug:slug>/consultations/", consultations.consultations, name="consultations"),
    path("<slug:slug>/consultations/new/", consultations.new, name="consultation_new"),
    path(
        "<slug:slug>/consultations/staff/",
        consultations.staff_audience,
        name="consultation_staff",
    ),
    path("<slug:slug>/consultations/<str:code>/", consultations.consultation, name="consultation"),
    path(
        "<slug:slug>/consultations/<str:code>/edit/",
        consultations.edit,
        name="consultation_edit",
    ),
    path(
        "<slug:slug>/consultations/<str:code>/summary/",
        consultations.summary,
        name="consultation_summary",
    ),
    path(
        "<slug:slug>/consultations/<str:code>/moderation/",
        consultations.moderation,
        name="consultation_moderation",
    ),
    path(
        "<slug:slug>/participation-settings/",
        participation.settings,
        name="participation_settings",
    ),
    path("<slug:slug>/proposals/", proposals.queue, name="proposals"),
    path(
        "<slug:slug>/participation-settings/proposals/",
        proposals.settings,
        name="proposal_settings",
    ),
    # Before the proposal's page: its ``<path:code>`` would take ".../hide" as part of the code.
    path("<slug:slug>/proposals/<path:code>/hide/", proposals.hide, name="proposal_hide"),
    path("<slug:slug>/proposals/<path:code>/", proposals.proposal, name="proposal"),
    path("<slug:slug>/decisions/", decisions.decision_list, name="decisions"),
    path("<slug:slug>/risks/", risks.risk_list, name="risks"),
    path("<slug:slug>/risks/new/", risks.risk_new, name="risk_new"),
    path("<slug:slug>/risks/<int:pk>/", risks.risk, name="risk"),
    path("<slug:slug>/risks/<int:pk>/remove/", risks.risk_remove, name="risk_remove"),
    path("<slug:slug>/decisions/new/", decisions.decision_new, name="decision_new"),
    path("<slug:slug>/decisions/<int:pk>/", decisions.decision, name="decision"),
    path(
        "<slug:slug>/decisions/<int:pk>/remove/", decisions.decision_remove, name="decision_remove"
    ),
    path(
        "<slug:slug>/decisions/<int:pk>/assignments/new/",
        decisions.assignment_new,
        name="assignment_new",
    ),
    path("<slug:slug>/assignments/<int:pk>/", decisions.assignment, name="assignment"),
    path(
        "<slug:slug>/assignments/<int:pk>/remove/",
        decisions.assignment_remove,
        name="assignment_remove",
    ),
    path("<slug:slug>/tokens/", tokens.tokens, name="tokens"),
    path("<slug:slug>/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]

# Office pages show internal data: no browser or proxy may keep a copy (Cache-Control: no-store),
# so the back button after logging out shows nothing. Keep this after the last pattern.
for pattern in urlpatterns:
    pattern.callback = never_cache(pattern.callback)
