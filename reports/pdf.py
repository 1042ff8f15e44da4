"""The printable report for the head of an agency: a month or a year in figures.

Aggregates only, as on the dashboard: headline counts, new and closed cases by month, and
each SIMFONI cut with cases and victims. Nothing in it names a child or a case.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from reports.dashboard import Figures

_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.94, 0.98)),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
]


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], fontSize=14, spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=sheet["Normal"], fontSize=9, alignment=1),
        "heading": ParagraphStyle("heading", parent=sheet["Heading4"], spaceBefore=8),
        "body": ParagraphStyle("body", parent=sheet["Normal"], fontSize=9, leading=12),
    }


def _table(header: list[str], rows: list[list]) -> Table:
    table = Table([header, *rows], hAlign="LEFT", repeatRows=1)
    table.setStyle(_GRID)
    return table


def _month(value) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def _headline(figures: Figures, styles) -> list:
    rows = [
        [_("New cases"), figures.cases],
        [_("Victims"), figures.victims],
        [_("Closed cases"), figures.closed],
        [_("Open at the end of the period"), figures.open_at_end],
    ]
    return [_table([_("Figure"), _("Count")], rows), Spacer(1, 4 * mm)]


def _months(figures: Figures, styles) -> list:
    rows = [[_month(row.month), row.new, row.victims, row.closed] for row in figures.months]
    if not rows:
        return []
    header = [_("Month"), _("New cases"), _("Victims"), _("Closed cases")]
    return [
        Paragraph(escape(_("New and closed cases by month")), styles["heading"]),
        _table(header, rows),
    ]


def _cuts(figures: Figures, styles) -> list:
    parts = []
    for cut in figures.cuts:
        if not cut.rows:
            continue
        rows = [[escape(row.label), row.cases, row.victims] for row in cut.rows]
        parts.append(
            KeepTogether(
                [
                    Paragraph(escape(str(cut.label)), styles["heading"]),
                    _table([str(cut.label), _("Cases"), _("Victims")], rows),
                ]
            )
        )
    return parts


def figures_pdf(*, title: str, scope: str, figures: Figures, first_month, last_month) -> bytes:
    """The report as PDF bytes, in the active language."""
    styles = _styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="Sinergi",
    )
    period = _("%(first)s to %(last)s") % {
        "first": _month(first_month),
        "last": _month(last_month),
    }
    printed = formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    document.build(
        [
            Paragraph(escape(title), styles["title"]),
            Paragraph(escape(f"{scope} · {period}"), styles["sub"]),
            Paragraph(escape(_("Printed %(when)s") % {"when": printed}), styles["sub"]),
            Spacer(1, 5 * mm),
            Paragraph(
                escape(
                    _(
                        "Cases (kasus) and victims (korban) are counted apart: one case may "
                        "concern several children. A case may have several forms of violence."
                    )
                ),
                styles["body"],
            ),
            Spacer(1, 3 * mm),
            *_headline(figures, styles),
            *_months(figures, styles),
            *_cuts(figures, styles),
        ]
    )
    return buffer.getvalue()
