"""A chained region picker: provinsi → kab/kota → kecamatan → desa/kelurahan.

The form field holds one region of a given level. The widget renders one select per
level down to that level; ``static/js/region-picker.js`` fills each select from
``/wilayah/<code>/`` when the one above changes. Only the last select is submitted.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Region

LEVEL_LABELS = {
    Region.Level.PROVINCE: _("Province"),
    Region.Level.REGENCY: _("Regency/city"),
    Region.Level.DISTRICT: _("District (kecamatan)"),
    Region.Level.VILLAGE: _("Village (desa/kelurahan)"),
}


def region_options(parent_code: str | None) -> list[tuple[str, str]]:
    regions = Region.objects.filter(is_active=True)
    regions = regions.filter(parent_id=parent_code) if parent_code else regions.filter(level=1)
    return list(regions.order_by("name").values_list("code", "name"))


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: index + 1]) for index in range(len(parts))]


class RegionPickerWidget(forms.Widget):
    template_name = "agencies/widgets/region_picker.html"

    class Media:
        js = ["js/region-picker.js"]

    def __init__(self, level: int = Region.Level.VILLAGE, attrs=None):
        super().__init__(attrs)
        self.level = level

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = _ancestor_codes(str(value)) if value else []
        selects = []
        parent = None
        for level in range(1, self.level + 1):
            current = chosen[level - 1] if len(chosen) >= level else ""
            options = region_options(parent) if (level == 1 or parent) else []
            selects.append(
                {
                    "level": level,
                    "label": LEVEL_LABELS[level],
                    "options": options,
                    "value": current,
                    "is_last": level == self.level,
                }
            )
            parent = current or None
        context["widget"].update(
            {"selects": selects, "children_url": reverse("region-children", args=["CODE"])}
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None


class RegionField(forms.ModelChoiceField):
    """Choose one active region of exactly ``level``."""

    def __init__(self, level: int = Region.Level.VILLAGE, **kwargs):
        kwargs.setdefault("widget", RegionPickerWidget(level=level))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Choose a region from the list, down to the last level.")},
        )
        super().__init__(queryset=Region.objects.filter(is_active=True, level=level), **kwargs)
        self.level = level


class CityAreaField(forms.ChoiceField):
    """One kecamatan or desa/kelurahan of one city, from a single grouped list.

    Network registers work inside one city, so a flat list grouped by kecamatan is
    quicker than the chained picker. Call ``limit_to(regency)`` in the form's __init__.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [])
        super().__init__(**kwargs)
        self.regency_code = ""

    def limit_to(self, regency_code: str) -> None:
        self.regency_code = regency_code
        areas = Region.objects.filter(
            is_active=True,
            code__startswith=regency_code + ".",
            level__in=(Region.Level.DISTRICT, Region.Level.VILLAGE),
        ).order_by("code")
        groups: dict[str, list] = {}
        names: dict[str, str] = {}
        for code, name, level in areas.values_list("code", "name", "level"):
            district = ".".join(code.split(".")[:3])
            if level == Region.Level.DISTRICT:
                names[district] = name
                label = _("Kecamatan %(name)s (the whole kecamatan)") % {"name": name}
            else:
                label = name
            groups.setdefault(district, []).append((code, label))
        self.choices = [("", _("— choose —"))] + [
            (names.get(district, district), options) for district, options in groups.items()
        ]

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        return Region.objects.get(code=code)

    def prepare_value(self, value):
        return value.code if isinstance(value, Region) else value
