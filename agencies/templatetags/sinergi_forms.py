"""Render form widgets with Bootstrap classes and the ARIA links screen readers need."""

from django import forms, template

register = template.Library()


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""  # a list of choices, each with its own input
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.filter
def bootstrap_widget(field: forms.BoundField):
    widget = field.field.widget
    classes = [_css_class(widget), widget.attrs.get("class", "")]
    attrs = {}
    if field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
    if field.help_text:
        attrs["aria-describedby"] = f"{field.id_for_label}_help"
    attrs["class"] = " ".join(filter(None, classes))
    return field.as_widget(attrs=attrs)
