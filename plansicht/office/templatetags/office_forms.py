"""The error summary of the office's forms (the GOV.UK/KERN pattern): after a refused save, one
box at the top of the page that takes the focus and links to every field with an error."""

from django import template

register = template.Library()


def _forms(items):
    for item in items:
        if item is None or item == "":
            continue
        if isinstance(item, dict):
            yield from _forms(item.values())
        elif isinstance(item, list | tuple):
            yield from _forms(item)
        else:
            yield item


def summary_items(*forms) -> list[dict]:
    """[{"href", "text"}] for every error of the bound forms, in the order of their fields."""
    items = []
    for form in _forms(forms):
        if not getattr(form, "is_bound", False) or not form.errors:
            continue
        for error in form.non_field_errors():
            items.append({"href": f"#{form_errors_id(form)}", "text": error})
        for field in form:
            for error in field.errors:
                items.append({"href": f"#{field.id_for_label}", "text": f"{field.label}: {error}"})
    return items


@register.filter
def form_errors_id(form) -> str:
    """The id of a form's box of errors that belong to no single field."""
    return f"{form.prefix or 'form'}-errors"


@register.inclusion_tag("office/_error_summary.html")
def error_summary(*forms):
    """``{% error_summary form %}``, or several forms, or a dict of them (``forms``)."""
    return {"items": summary_items(*forms)}
