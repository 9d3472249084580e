"""One way for every office form to show that its object changed after the form was opened
(``plansicht.services.ChangedMeanwhile``): nothing typed is lost, and saving again is a
deliberate choice. The template part is ``office/_changed_meanwhile.html``."""

from datetime import date

from django import forms
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from plansicht.funding.templatetags.funding import euro
from plansicht.indicators.words import value_text

from .forms import AmountField, IndicatorValueField


def show_changed_meanwhile(form, error, stored=None):
    """Put ``error`` on the bound, valid ``form``:

    - its message (who changed the object, and when) at the top of the form;
    - the form's hidden version moved on to the version stored now, so that saving the same
      input again deliberately overwrites the other change;
    - ``form.changed_meanwhile``: (label, your value, saved now) for each field whose typed
      value differs from the stored one.

    ``stored`` maps field names to the stored values, where they are not simply the current
    object's attributes of the same name.
    """
    form.add_error(None, error.message)
    current = error.current
    form.changed_meanwhile = []
    if current is None:
        return
    if stored is None:
        stored = {name: getattr(current, name) for name in form.fields if hasattr(current, name)}
    data = form.data.copy()
    data[form.add_prefix("version")] = str(current.version)
    form.data = data
    for name, field in form.fields.items():
        if name in ("version", "reason") or name not in stored or name not in form.cleaned_data:
            continue
        yours, saved = form.cleaned_data[name], stored[name]
        if not _same(yours, saved):
            form.changed_meanwhile.append((field.label, _show(field, yours), _show(field, saved)))


def _same(a, b) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, models.Model) or isinstance(b, models.Model):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    return a == b


def _show(field, value) -> str:
    """A value as the office shows it: dates and amounts in the page's language."""
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    if value is None or value == "":
        return "–"
    if isinstance(field, AmountField):
        return euro(value)
    if isinstance(field, IndicatorValueField):
        return value_text(value)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):  # numbers, Decimals
        return number_format(value, use_l10n=True)
    return str(value)
