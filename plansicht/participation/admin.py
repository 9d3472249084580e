"""Django's admin for the participation: an administrator confirms which participants speak for
a body; questions and statements are only shown (they change through the services, each change
with its history event)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from plansicht.accounts.admin import ReadOnlyAdmin

from .models import Body, Submission


class ParticipantChoice(forms.ModelMultipleChoiceField):
    """Participants by display name and confirmed e-mail address, for telling them apart."""

    def label_from_instance(self, user):
        addresses = sorted(
            address.email for address in user.emailaddress_set.all() if address.verified
        )
        name = user.participant.display_name
        return f"{name} <{', '.join(addresses)}>" if addresses else name


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "organisation"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "code"]
    filter_horizontal = ["speakers"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(participant__isnull=False, is_active=True)
                .select_related("participant")
                .prefetch_related("emailaddress_set")
                .order_by("participant__display_name", "pk")
            )
            kwargs["form_class"] = ParticipantChoice
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Read-only: questions and statements change through the services only."""

    list_display = ["code", "programme", "kind", "author_name", "received", "due", "answered_on"]
    list_filter = ["programme", "kind", "hidden", "pending"]
    search_fields = ["code", "text", "author_name"]
