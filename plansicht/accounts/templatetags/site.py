"""Small helpers every face's templates share."""

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """This page's address in another language (German has no prefix, English /en/)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag
def widget_with_attrs(bound_field):
    """Render a form widget with the design system's classes and the ARIA links to its hint
    and error, so a screen reader reads them with the field."""
    from django import forms

    widget = bound_field.field.widget
    css = (
        "kern-form-input__select" if isinstance(widget, forms.Select) else "kern-form-input__input"
    )
    attrs = {"class": css}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.id_for_label}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
        attrs["class"] = f"{css} {css}--error"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)
