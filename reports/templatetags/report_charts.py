"""Bar lengths for the server-drawn SVG charts (no chart library, no CDN, no inline style)."""

from django import template

register = template.Library()

BAR_AREA = 100  # the SVG's viewBox width given to bars


BAR_START = 58  # room for the labels on the left


@register.filter
def bar_length(value, largest) -> float:
    """The length of a bar for ``value`` when the longest bar is ``largest``."""
    if not largest or not value:
        return 0.0
    return round(BAR_AREA * value / largest, 2)


@register.filter
def bar_end(value, largest) -> float:
    """Where the number after a bar goes."""
    return round(BAR_START + bar_length(value, largest) + 2, 2)


@register.filter
def attr(obj, name):
    """``row|attr:cut.measure``: the count a chart of this cut is drawn from."""
    return getattr(obj, name, "")


@register.filter
def row_offset(index, height=14) -> int:
    return (int(index) - 1) * int(height)


@register.filter
def times(count, height=14) -> int:
    return int(count) * int(height)
