"""``{% load markdown %}{{ question.text|markdown }}``: a participation text as safe HTML in the
small Markdown subset of :mod:`plansicht.content.markdown`."""

from django import template

from plansicht.content.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown(value):
    """The text rendered by :func:`~plansicht.content.markdown.render`; "" for none."""
    if value is None:
        return render("")
    return render(str(value))
