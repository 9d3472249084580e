from django.contrib import admin
from django.urls import path

from plansicht.portal import views as portal

urlpatterns = [
    path("", portal.index, name="portal-index"),
    path("admin/", admin.site.urls),
]
