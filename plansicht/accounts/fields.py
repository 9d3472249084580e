"""Model fields that carry a meaning the rest of the code relies on."""

from django.db import models


class InternalTextField(models.TextField):
    """Text for the office only: never rendered on a public page, in a feed or an export.

    Public faces and the leak test find these fields by introspection (``field.internal``),
    so a new internal field is protected by declaring it with this class.
    """

    internal = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class InternalCharField(models.CharField):
    """A short internal text (an invoice number, say): like InternalTextField, never public."""

    internal = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


def internal_fields(model) -> list[models.Field]:
    """Every field of ``model`` marked internal."""
    return [f for f in model._meta.get_fields() if getattr(f, "internal", False)]
