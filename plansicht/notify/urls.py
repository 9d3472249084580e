from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
