"""The printed declaration: an A4 PDF in the local language and English, laid out for the
parent, the representative and the notary or registering officer to sign, with the
verification code and a QR code that opens the public verification page.

WeasyPrint turns our HTML into PDF. It is given everything it needs in the document itself: the
stylesheet is read from this package, the QR code is an inline SVG, fonts are local (Noto CJK
by family name, through fontconfig), and its URL fetcher refuses every URL, so printing never
touches the network.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kinlink.guardianship.conf import document_languages
from kinlink.guardianship.models import Declaration, Power
from kinlink.registry.models import Relationship

STYLESHEET = Path(__file__).parent / "pdf" / "declaration.css"


def qr_svg(url: str) -> str:
    """An inline SVG QR code; error correction M survives a crease or a stamp over a corner."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2, dark="#000")


def _date(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


# Relationship words as they read inside a sentence on the paper. Kept here, not borrowed from
# the registry's labels, so the paper's wording and its translation belong to this app.
PAPER_RELATIONSHIPS = {
    Relationship.Kind.MOTHER: pgettext_lazy("on the declaration", "mother"),
    Relationship.Kind.FATHER: pgettext_lazy("on the declaration", "father"),
    Relationship.Kind.STEPMOTHER: pgettext_lazy("on the declaration", "stepmother"),
    Relationship.Kind.STEPFATHER: pgettext_lazy("on the declaration", "stepfather"),
    Relationship.Kind.GRANDMOTHER: pgettext_lazy("on the declaration", "grandmother"),
    Relationship.Kind.GRANDFATHER: pgettext_lazy("on the declaration", "grandfather"),
    Relationship.Kind.AUNT: pgettext_lazy("on the declaration", "aunt"),
    Relationship.Kind.UNCLE: pgettext_lazy("on the declaration", "uncle"),
    Relationship.Kind.SIBLING: pgettext_lazy("on the declaration", "adult sibling"),
    Relationship.Kind.OTHER_RELATIVE: pgettext_lazy("on the declaration", "relative"),
    Relationship.Kind.NEIGHBOUR: pgettext_lazy("on the declaration", "neighbour"),
    Relationship.Kind.OTHER: pgettext_lazy("on the declaration", "other"),
}


def _relationship(kind: str) -> str:
    return str(PAPER_RELATIONSHIPS.get(kind, ""))


def _texts(decl: Declaration, verify_url: str) -> dict[str, Any]:
    """Every piece of text on the paper in the active language."""
    child = decl.child
    names = {
        "parent": decl.declarant.full_name,
        "relationship": _relationship(decl.declarant_kind),
        "child": child.full_name,
        "born": _date(child.date_of_birth),
        "representative": decl.representative.full_name,
        "start": _date(decl.valid_from),
        "end": _date(decl.valid_until),
        "url": verify_url,
    }
    return {
        "title": _("Guardianship declaration"),
        "subtitle": _("Appointment of a temporary legal representative for a child"),
        "parent": _("The parent"),
        "child": _("The child"),
        "representative": _("The representative"),
        "name": _("Name"),
        "born": _("Date of birth"),
        "id_number": _("ID number"),
        "relationship": _("Relationship to the child"),
        "home": _("Home village"),
        "statement": _(
            "I, %(parent)s, the %(relationship)s of %(child)s, born on %(born)s, appoint "
            "%(representative)s as the child's temporary legal representative while I am away, "
            "for the powers marked below, from %(start)s until %(end)s."
        )
        % names,
        "limits": _(
            "This declaration does not transfer parental rights. I may revoke it at any time by "
            "informing the guardianship authority. It ends on the last day above, or earlier if "
            "revoked."
        ),
        "powers": _("Powers"),
        "period": _("Period"),
        "from": _("From"),
        "until": _("Until"),
        "acceptance": _(
            "I, %(representative)s, accept to act as the child's representative for the powers "
            "marked, in the child's best interests."
        )
        % names,
        "parent_signature": _("Signature of the parent"),
        "representative_signature": _("Signature of the representative"),
        "date": _("Date"),
        "certification": _("Certification by the guardianship authority or notary"),
        "register_number": _("Register or notarial number"),
        "officer": _("Officer or notary, signature and seal"),
        "verification": _("Verification"),
        "verify_text": _(
            "To check whether this declaration is in force, scan the code or enter the "
            "verification code at %(url)s."
        )
        % names,
        "code": _("Verification code"),
        "initials": _("Initials"),
        "power_labels": {p.value: str(p.label) for p in Power},
        "relationship_of_representative": _relationship(decl.representative_kind),
        "relationship_of_parent": _relationship(decl.declarant_kind),
        "child_born": _date(child.date_of_birth),
        "parent_born": _date(decl.declarant.date_of_birth),
        "representative_born": _date(decl.representative.date_of_birth),
        "valid_from": _date(decl.valid_from),
        "valid_until": _date(decl.valid_until),
        "registered_on": _date(decl.registered_on),
    }


def declaration_context(decl: Declaration, verify_url: str) -> dict[str, Any]:
    local, english = document_languages()
    texts = []
    for language in dict.fromkeys((local, english)):  # one language when the site is English
        with translation.override(language):
            texts.append((language, _texts(decl, verify_url)))
    powers = [
        {
            "checked": p.value in decl.powers,
            "labels": [(lang, t["power_labels"][p.value]) for lang, t in texts],
        }
        for p in Power
    ]
    return {
        "decl": decl,
        "child": decl.child,
        "parent": decl.declarant,
        "representative": decl.representative,
        "texts": texts,
        "local": texts[0][1],
        "en": texts[-1][1],
        "bilingual": len(texts) > 1,
        "powers": powers,
        "verify_url": verify_url,
        "qr": mark_safe(qr_svg(verify_url)),  # noqa: S308 - SVG made by segno from our URL
    }


class _NoFetch:
    """WeasyPrint's URL fetcher: every URL is refused (nothing is loaded from anywhere)."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError("the declaration loads no external resources")


def declaration_pdf(decl: Declaration, verify_url: str) -> bytes:
    """Render the printable declaration as PDF bytes."""
    from weasyprint import CSS, HTML  # imported here: slow to import, needed only to print

    html = render_to_string(
        "guardianship/declaration_pdf.html", declaration_context(decl, verify_url)
    )
    stylesheet = CSS(string=STYLESHEET.read_text(), url_fetcher=_NoFetch())
    document = HTML(string=html, base_url=None, url_fetcher=_NoFetch())
    return document.write_pdf(stylesheets=[stylesheet])
