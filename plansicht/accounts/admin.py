from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, StaffRole, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through the services (each change writes its history
    event) or never: the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (
            _("Open data"),
            {
                "fields": [
                    "ags",
                    "dcat_contributor_id",
                    "open_data_licence",
                    "contact_url",
                    "contact_email",
                ]
            },
        ),
    ]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    filter_horizontal = ["members"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "unit"]
    list_filter = ["organisation", "role"]
    autocomplete_fields = ["user"]
