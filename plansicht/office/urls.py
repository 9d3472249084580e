from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.cache import never_cache

from . import finance, staffing
from . import plan as views

app_name = "office"
urlpatterns = [
    path("", views.index, name="index"),
    path("login/", auth_views.LoginView.as_view(template_name="office/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/milestones/", views.milestone_list, name="milestones"),
    path("<slug:slug>/milestones/<path:code>/", views.milestone_edit, name="milestone"),
    path("<slug:slug>/plan-versions/", views.plan_versions, name="plan_versions"),
    path("<slug:slug>/positions/", staffing.positions, name="positions"),
    path("<slug:slug>/hiring-settings/", staffing.hiring_settings, name="hiring_settings"),
    path("<slug:slug>/positions/<path:code>/", staffing.position, name="position"),
    path("<slug:slug>/what-if/", staffing.what_if, name="what_if"),
    path("<slug:slug>/finance/", finance.finance, name="finance"),
    path("<slug:slug>/finance/kfp/", finance.kfp, name="kfp"),
    path("<slug:slug>/finance/cost-lines/", finance.cost_lines, name="cost_lines"),
    path("<slug:slug>/finance/cost-lines/new/", finance.cost_line_edit, name="cost_line_new"),
    path(
        "<slug:slug>/finance/cost-lines/<path:code>/remove/",
        finance.cost_line_remove,
        name="cost_line_remove",
    ),
    path("<slug:slug>/finance/cost-lines/<path:code>/", finance.cost_line_edit, name="cost_line"),
    path("<slug:slug>/finance/expenditures/", finance.expenditures, name="expenditures"),
    path(
        "<slug:slug>/finance/expenditures/new/",
        finance.expenditure_edit,
        name="expenditure_new",
    ),
    path(
        "<slug:slug>/finance/expenditures/<int:pk>/",
        finance.expenditure_edit,
        name="expenditure",
    ),
    path(
        "<slug:slug>/finance/expenditures/<int:pk>/remove/",
        finance.expenditure_remove,
        name="expenditure_remove",
    ),
    path("<slug:slug>/finance/budget-lines/", finance.budget_lines, name="budget_lines"),
    path(
        "<slug:slug>/finance/budget-lines/new/",
        finance.budget_line_edit,
        name="budget_line_new",
    ),
    path(
        "<slug:slug>/finance/budget-lines/<int:pk>/",
        finance.budget_line_edit,
        name="budget_line",
    ),
    path(
        "<slug:slug>/finance/budget-lines/<int:pk>/remove/",
        finance.budget_line_remove,
        name="budget_line_remove",
    ),
    path("<slug:slug>/finance/drawdown-plan/", finance.drawdown_plan, name="drawdown_plan"),
    path(
        "<slug:slug>/finance/drawdown-plan/new/",
        finance.drawdown_plan_entry_edit,
        name="drawdown_plan_entry_new",
    ),
    path(
        "<slug:slug>/finance/drawdown-plan/<int:pk>/",
        finance.drawdown_plan_entry_edit,
        name="drawdown_plan_entry",
    ),
    path(
        "<slug:slug>/finance/drawdown-plan/<int:pk>/remove/",
        finance.drawdown_plan_entry_remove,
        name="drawdown_plan_entry_remove",
    ),
    path("<slug:slug>/finance/drawdowns/", finance.drawdowns, name="drawdowns"),
    path(
        "<slug:slug>/finance/drawdowns/<int:pk>/remove/",
        finance.drawdown_remove,
        name="drawdown_remove",
    ),
    path("<slug:slug>/finance/drawdowns/new/", finance.drawdown_edit, name="drawdown_new"),
    path("<slug:slug>/finance/drawdowns/<int:pk>/", finance.drawdown_edit, name="drawdown"),
]

# Office pages show internal data: no browser or proxy may keep a copy (Cache-Control: no-store),
# so the back button after logging out shows nothing. Keep this after the last pattern.
for pattern in urlpatterns:
    pattern.callback = never_cache(pattern.callback)
