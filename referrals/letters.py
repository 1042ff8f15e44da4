"""The printable Surat Rujukan: letterhead, the referral summary, a signature block.

It names the child only by the pseudonym; the identity travels inside Sinergi, to the
people assigned once the referral is accepted.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table

from agencies.models import Membership
from referrals.models import Referral


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "head": ParagraphStyle("head", parent=sheet["Title"], fontSize=13, spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=sheet["Normal"], fontSize=8.5, alignment=1),
        "title": ParagraphStyle("title", parent=sheet["Heading2"], alignment=1, spaceBefore=6),
        "label": ParagraphStyle("label", parent=sheet["Heading5"], spaceBefore=6, spaceAfter=1),
        "body": ParagraphStyle("body", parent=sheet["Normal"], fontSize=10, leading=13),
    }


def _text(value: str) -> str:
    return escape(value or "—").replace("\n", "<br/>")


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def surat_rujukan_pdf(referral: Referral) -> bytes:
    """The letter as PDF bytes, in the active language."""
    styles = _styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Referral letter"),
        author="Sinergi",
    )
    document.build(
        _letterhead(referral, styles)
        + _opening(referral, styles)
        + _summary(referral, styles)
        + _signature(referral, styles)
    )
    return buffer.getvalue()


def _letterhead(referral: Referral, styles) -> list:
    agency = referral.from_agency
    contacts = " · ".join(filter(None, [agency.address, agency.phone, agency.email]))
    return [
        Paragraph(escape(agency.name.upper()), styles["head"]),
        Paragraph(escape(contacts or agency.regency.name), styles["sub"]),
        HRFlowable(width="100%", thickness=1.5, color=colors.black, spaceBefore=4),
        Paragraph(_("REFERRAL LETTER (SURAT RUJUKAN)"), styles["title"]),
    ]


def _opening(referral: Referral, styles) -> list:
    rows = [
        (_("Number"), referral.letter_number or "—"),
        (_("Date"), _date(timezone.localdate(referral.sent_at))),
        (_("To"), referral.to_agency.name),
        (_("Service requested"), referral.get_service_type_display()),
        (_("Case"), referral.case.pseudonym()),
        (_("Urgency"), referral.get_urgency_display()),
        (
            _("Answer due by"),
            formats.date_format(timezone.localtime(referral.respond_by), "DATETIME_FORMAT"),
        ),
        (_("Shared sections"), ", ".join(referral.shared_section_labels())),
        (_("Consent"), _consent_line(referral)),
    ]
    table = Table(
        [
            [Paragraph(escape(str(k)), styles["body"]), Paragraph(_text(str(v)), styles["body"])]
            for k, v in rows
        ],
        colWidths=[45 * mm, 125 * mm],
    )
    return [table, Spacer(1, 4 * mm)]


def _consent_line(referral: Referral) -> str:
    if referral.consent_overridden:
        return _("Sent without consent on a supervisor's decision (reason recorded in Sinergi).")
    return _("Given by %(who)s on %(date)s.") % {
        "who": referral.get_consent_by_display().lower(),
        "date": _date(referral.consent_on),
    }


def _summary(referral: Referral, styles) -> list:
    parts = [
        (_("Reason for the referral"), referral.reason),
        (_("Chronology"), referral.summary_chronology),
        (_("Services already given"), referral.summary_services),
        (_("Current condition"), referral.summary_condition),
        (_("Purpose of the referral"), referral.summary_purpose),
    ]
    flowables = []
    for label, value in parts:
        flowables += [
            Paragraph(escape(label), styles["label"]),
            Paragraph(_text(value), styles["body"]),
        ]
    return flowables


def _signature(referral: Referral, styles) -> list:
    membership = Membership.objects.filter(user=referral.sent_by).first()
    position = membership.position if membership and membership.position else ""
    place = referral.from_agency.regency.name.title()
    block = [
        f"{escape(place)}, {_date(timezone.localdate(referral.sent_at))}",
        escape(position or referral.from_agency.nomenclature or referral.from_agency.name),
        "<br/><br/><br/>",
        f"<u>{escape(referral.sent_by.full_name)}</u>",
        escape(_("Signature and stamp")),
    ]
    signature = Paragraph("<br/>".join(block), styles["body"])
    return [Spacer(1, 10 * mm), Table([["", signature]], colWidths=[90 * mm, 80 * mm])]
