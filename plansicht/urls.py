"""Public pages at / (German) and /en/ (English); the office under /office/; participants'
accounts (django-allauth) under /konto/; the API under /api/v1/; the council decisions in OParl 1.1
under /oparl/v1/; the health check at /healthz."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from plansicht.ops.views import healthz
from plansicht.portal.views import robots_txt

urlpatterns = [
    # For load balancers and monitoring: no language, no login, never cached (docs/production.md)
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("plansicht.api.urls")),
    # OParl 1.1, the council decisions for council information systems (one address, no language)
    path("oparl/v1/", include("plansicht.oparl.urls")),
]
urlpatterns += i18n_patterns(
    path("office/", include("plansicht.office.urls")),
    path("", include("plansicht.notify.urls")),
    path("konto/", include("plansicht.portal.accounts")),
    path("", include("plansicht.portal.urls")),
    prefix_default_language=False,
)

# Inside the office a refused page keeps the office's menu (the handler sends other paths to
# Django's default 403 page).
handler403 = "plansicht.office.entrance.permission_denied"
