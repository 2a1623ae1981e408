"""The printed papers: the declaration and the family pack.

The declaration: an A4 PDF in the local language and English, laid out for the
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

from kinlink.core.dates import age_in_years, today
from kinlink.core.phones import display_phone
from kinlink.guardianship import conf
from kinlink.guardianship.conf import document_languages
from kinlink.guardianship.models import Declaration, DeclarationStatus, Power, PreDeparturePlan
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


# The family pack (issue 6, item 5) -------------------------------------------------------------
# One language, the family's (the plan records it), for one child: the arrangements made before
# the parent leaves, where to get help, and how to talk with the child. Nothing of any other
# family is loaded into it. Large type and strong contrast, so a phone photo of a page reads.

PACK_STYLESHEET = Path(__file__).parent / "pdf" / "family_pack.css"


def _adult_name(adult: Any) -> str:
    return adult.full_name if adult is not None else ""


def _pack_texts(plan: PreDeparturePlan) -> dict[str, Any]:
    child = plan.child
    names = {
        "child": child.full_name,
        "born": _date(child.date_of_birth),
        "relationship": _relationship(plan.parent_kind),
        "parent": plan.parent.full_name,
        "destination": plan.destination,
        "date": _date(plan.departure_on),
    }
    return {
        "title": _("Family pack"),
        "subtitle": _("For the family of %(child)s, born on %(born)s") % names,
        "intro": _(
            "%(parent)s, the child's %(relationship)s, plans to leave for %(destination)s on "
            "%(date)s. This pack holds what the family agreed with the social worker, so that "
            "the child is cared for and stays in touch. Keep it where the caregiver can find it."
        )
        % names,
        "representative_h": _("Who acts for the child"),
        "representative": _("Representative"),
        "powers": _("Powers"),
        "period": _("Period"),
        "status": _("Status"),
        "code": _("Verification code"),
        "code_help": _(
            "A school, clinic or office can check the declaration with this code on the "
            "verification page."
        ),
        "no_declaration": _(
            "No guardianship declaration is registered yet. Until it is, ask the social worker "
            "what to do when a school or clinic asks for a parent's signature."
        ),
        "not_in_force": _(
            "This declaration is not in force yet. Until it is registered, the representative "
            "cannot sign for the child; ask the social worker."
        ),
        "declaration_not_needed": _(
            "The social worker recorded that no declaration is needed for this family."
        ),
        "contact_h": _("Staying in touch"),
        "how_often": _("How often"),
        "how": _("How"),
        "parent_phone": _("The parent's phone"),
        "school_h": _("School"),
        "school": _("School"),
        "school_signatory": _("Signs school papers and meets the teachers"),
        "health_h": _("Health"),
        "insurance": _("Health insurance"),
        "card_holder": _("Keeps the insurance card"),
        "consent": _("Consents to medical treatment"),
        "emergency_h": _("In an emergency, call"),
        "name": _("Name"),
        "who": _("Who they are"),
        "phone": _("Phone"),
        "help_h": _("Where to get help"),
        "station": _("Social-work station"),
        "talk_h": _("Talking with your child"),
        "may_feel": _("What the child may feel"),
        "how_to_talk": _("How to talk with the child"),
        "checklist_h": _("Before leaving: the checklist"),
        "not_recorded": _("Not recorded yet"),
        "footer": _("Family pack, plan %(id)s") % {"id": plan.pk},
        "prepared": _("Prepared on %(date)s") % {"date": _date(today())},
    }


def family_pack_context(
    plan: PreDeparturePlan, on: dt.date | None = None, verify_url: str = ""
) -> dict[str, Any]:
    """Everything printed in the family pack, in the plan's language."""
    from kinlink.guardianship.checklist import DECLARATION, checklist_for
    from kinlink.guardianship.guidance import guidance_for, hotlines, social_work_stations
    from kinlink.guardianship.selectors import other_parent_away

    on = on or today()
    child = plan.child
    with translation.override(plan.language):
        checklist = checklist_for(plan, on)
        declaration_state = next(s for s in checklist.items if s.item.key == DECLARATION)
        decl = declaration_state.declaration
        age = age_in_years(child.date_of_birth, max(plan.departure_on, on))
        guidance = guidance_for(
            age=min(age, conf.age_of_majority() - 1),
            language=plan.language,
            mother_leaving=plan.parent_kind == Relationship.Kind.MOTHER,
            both_parents_away=other_parent_away(plan, max(plan.departure_on, on)),
        )
        texts = _pack_texts(plan)
        context = {
            "lang": plan.language,
            "t": texts,
            "plan": plan,
            "child": child,
            "declaration": decl,
            "verify_url": verify_url if decl else "",
            "declaration_status": DeclarationStatus(decl.status_on(on)).label if decl else "",
            "declaration_stage": declaration_state.state,
            "declaration_from": _date(decl.valid_from) if decl else "",
            "declaration_until": _date(decl.valid_until) if decl else "",
            "powers": [str(Power(p).label) for p in Power.values if decl and p in decl.powers],
            "frequency": plan.get_contact_frequency_display() if plan.contact_frequency else "",
            "channel": plan.get_contact_channel_display() if plan.contact_channel else "",
            "parent_phone": display_phone(plan.parent.phone) if plan.parent.phone else "",
            "school_signatory": _adult_name(plan.school_signatory),
            "insurance": plan.get_insurance_scheme_display() if plan.insurance_scheme else "",
            "card_holder": _adult_name(plan.insurance_card_holder),
            "consent": _adult_name(plan.treatment_consent_by),
            "contacts": [
                {"name": c.name, "who": c.relationship, "phone": display_phone(c.phone)}
                for c in plan.emergency_contacts.all()
            ],
            "stations": [{"name": s.name, "phone": s.phone} for s in social_work_stations(child)],
            "hotlines": hotlines(plan.language),
            "guidance": guidance,
            "checklist": [
                {"label": str(s.item.label), "state": s.state, "state_label": s.state.label}
                for s in checklist.items
            ],
        }
        # Rendered inside the override, so dates and choice labels come out in the language.
        context["html"] = render_to_string("guardianship/family_pack_pdf.html", context)
    return context


def family_pack_pdf(
    plan: PreDeparturePlan, on: dt.date | None = None, verify_url: str = ""
) -> bytes:
    """Render the family pack as PDF bytes (A4)."""
    from weasyprint import CSS, HTML

    html = family_pack_context(plan, on, verify_url)["html"]
    stylesheet = CSS(string=PACK_STYLESHEET.read_text(), url_fetcher=_NoFetch())
    document = HTML(string=html, base_url=None, url_fetcher=_NoFetch())
    return document.write_pdf(stylesheets=[stylesheet])
