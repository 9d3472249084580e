"""The portal's forms (the participants' account pages): the error summary at the top of a
refused form (the GOV.UK/KERN pattern), linking to every field with an error."""

from django import template

from plansicht.accounts.templatetags.site import widget_with_attrs

register = template.Library()


def summary_items(form) -> list[dict]:
    """[{"href", "text"}] for every error of a bound form, in the order of its fields."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return []
    items = [{"href": f"#{form_errors_id(form)}", "text": e} for e in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            items.append({"href": f"#{field_id(field)}", "text": f"{field.label}: {error}"})
    return items


def field_id(field) -> str:
    """Where the summary's link lands: the field, or for a set of radio buttons the first."""
    if getattr(field.field.widget, "input_type", "") == "radio":
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def form_errors_id(form) -> str:
    """The id of a form's box of errors that belong to no single field."""
    return f"{form.prefix or 'form'}-errors"


@register.inclusion_tag("portal/_error_summary.html")
def error_summary(form, level=2, name="error-summary"):
    """The summary box; ``level`` is its heading's level where it stands below other headings,
    ``name`` the heading's id where a page holds more than one form."""
    return {"items": summary_items(form), "level": level, "name": name}


@register.simple_tag
def labelled_widget(bound_field):
    """The widget as ``widget_with_attrs`` renders it, without a placeholder: the label says
    what to enter, and a placeholder repeating it looks like a value already given."""
    bound_field.field.widget.attrs.pop("placeholder", None)
    return widget_with_attrs(bound_field)
