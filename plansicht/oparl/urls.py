"""OParl 1.1 under /oparl/v1/ (``docs/oparl.md``). A paper, its consultation and its agenda item
are named by the programme and the decision's number (which may hold "/" and spaces: in the
URL percent-encoded, the slash kept); a meeting by the body and the day."""

from django.urls import path, re_path

from . import views

app_name = "oparl"
urlpatterns = [
    path("", views.system, name="system"),
    path("body/", views.bodies, name="bodies"),
    path("body/<int:pk>/", views.body, name="body"),
    path("body/<int:pk>/<slug:part>/", views.body_list, name="body_list"),
    path("legislativeterm/<int:pk>/", views.legislative_term, name="legislativeterm"),
    path("organization/<int:pk>/", views.organization, name="organization"),
    path("organization/<int:pk>/<slug:part>/", views.organization_list, name="organization_list"),
    path("meeting/<int:body>/<str:day>/", views.meeting, name="meeting"),
    path("paper/<slug:slug>/<path:number>/", views.paper, name="paper"),
    path("consultation/<slug:slug>/<path:number>/", views.consultation, name="consultation"),
    path("agendaitem/<slug:slug>/<path:number>/", views.agenda_item, name="agendaitem"),
    # Anything else under /oparl/v1/ is a 404 in JSON, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
