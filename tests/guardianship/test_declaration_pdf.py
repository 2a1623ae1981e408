"""The printed declaration: a bilingual PDF holding the names, powers, dates and the code."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kinlink.audit.models import AuditEntry
from kinlink.guardianship.printing import declaration_pdf
from tests.guardianship.conftest import make_registered


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    # Text extraction may break lines anywhere; compare without whitespace.
    return re.sub(r"\s+", "", text)


@pytest.fixture
def registered(family, caseworker_a, guardianship_officer):
    return make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        powers=["schooling", "emergency_medical", "travel"],
    )


def test_the_pdf_holds_names_powers_dates_and_code_in_chinese_and_english(registered, family):
    text = _flat(_text(declaration_pdf(registered, "https://kinlink.example/verify/X/")))
    people = (family.child, family.mother, family.grandmother)
    for name in [p.full_name for p in people] + [_flat(p.full_name_latin) for p in people]:
        assert name in text, name
    # Titles and powers in both languages.
    assert "监护委托书" in text and "Guardianshipdeclaration" in text
    assert "紧急医疗" in text and "Consenttoemergencymedicalcare" in text
    assert "Consenttotravel" in text and "出行" in text
    # Every power is listed (ticked or not) so nothing can be added by hand in a blank line.
    assert "Legalrepresentation" in text
    # The dates, in each language's own format.
    start, end = registered.valid_from, registered.valid_until
    assert f"{start.year}年{start.month}月{start.day}日" in text
    assert f"{end.year}年{end.month}月{end.day}日" in text
    assert str(end.year) in text and end.strftime("%B")[:3] in text
    # The code, as printed for reading aloud.
    assert registered.code_display in text
    assert "kinlink.example/verify" in text


def test_the_pdf_carries_a_qr_code_drawn_as_vectors(registered):
    pdf = declaration_pdf(registered, "https://kinlink.example/verify/X/")
    reader = PdfReader(io.BytesIO(pdf))
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    # segno draws the modules as one path of many short horizontal segments.
    assert content.count(b" l") + content.count(b" l\n") > 100
    assert len(reader.pages) <= 2


def test_the_pdf_page_is_audited_as_an_export_and_names_no_one_in_the_file_name(
    client, registered, caseworker_a
):
    client.force_login(caseworker_a)
    response = client.get(reverse("guardianship:declaration_pdf", args=[registered.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="declaration-{registered.pk}.pdf"'
    text = _flat(_text(response.content))
    assert registered.code_display in text
    # The QR and the printed address lead to this site's public page for this code.
    assert f"/verify/{registered.code_display}/" in text
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.object_type == "guardianship.declaration"
    assert entry.object_id == str(registered.pk)


def test_a_caseworker_elsewhere_cannot_print_it(client, registered, caseworker_b):
    client.force_login(caseworker_b)
    response = client.get(reverse("guardianship:declaration_pdf", args=[registered.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()
