from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "office"
urlpatterns = [
    path("", views.index, name="index"),
    path("login/", auth_views.LoginView.as_view(template_name="office/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/milestones/", views.milestone_list, name="milestones"),
    path("<slug:slug>/milestones/<path:code>/", views.milestone_edit, name="milestone"),
    path("<slug:slug>/plan-versions/", views.plan_versions, name="plan_versions"),
]
