"""The family pack: an A4 PDF in the family's language holding the child's arrangements, the
declaration's code, where to get help and the guidance for the child's age; nothing of any
other family; downloaded only in scope, audited as an export, with no name in the file name."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from pypdf import PdfReader

from kinlink.audit.models import AuditEntry
from kinlink.core.dates import today
from kinlink.guardianship import guidance, services
from kinlink.guardianship.printing import family_pack_pdf
from kinlink.places.models import ServiceProvider
from kinlink.registry import services as registry
from tests.conftest import years_ago
from tests.guardianship.conftest import Family, draft, fill_plan, make_plan, make_registered


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    return re.sub(r"\s+", "", "\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def ready(family, caseworker_a, guardianship_officer):
    """The father leaves in a month; the grandmother is his registered representative."""
    decl = make_registered(
        caseworker_a,
        guardianship_officer,
        family,
        declarant=family.father,
        powers=["schooling", "emergency_medical"],
    )
    plan = fill_plan(caseworker_a, family, make_plan(caseworker_a, family))
    return plan, decl


def test_the_chinese_pack_holds_the_childs_arrangements_and_guidance(ready, family):
    plan, decl = ready
    text = _text(family_pack_pdf(plan))
    assert "家庭手册" in text
    assert family.child.full_name in text and family.father.full_name in text
    # Who acts for the child: the representative, the powers, the code.
    assert family.grandmother.full_name in text
    assert "入学" in text or "学校" in text
    assert "紧急医疗" in text
    assert decl.code_display in text
    assert "尚未生效" not in text
    # The contact plan, school, health, emergency contacts.
    assert "每周一次" in text and "视频通话" in text and "每周日晚上视频" in text
    assert family.child.school.name in text
    assert "城乡居民基本医疗保险" in text
    assert "王芳" in text and "+8613912345679" in text
    # Where to get help.
    assert "12355" in text and "青少年服务台" in text
    # The guidance for a nine-year-old, and the notes for this family: the mother is already
    # away, so both parents will be.
    assert "6至11岁的孩子" in text
    assert "这不是你的错，爸爸妈妈爱你。" in text
    assert "经常联系能帮助孩子" in text
    assert "父母都不在家时" in text
    assert "妈妈离开时" not in text
    assert "12至14岁" not in text and "0至5岁" not in text
    # The checklist, in Chinese; and nothing left in English.
    assert "监护委托书已办妥" in text
    assert "Emergency" not in text and "Familypack" not in text


def test_the_english_pack_is_in_english(ready, family, caseworker_a):
    plan, decl = ready
    plan = services.plan_update(actor=caseworker_a, plan=plan, language="en")
    text = _text(family_pack_pdf(plan, verify_url="https://kinlink.example/verify/X/"))
    assert "Familypack" in text
    assert "Inanemergency,call" in text
    assert "Consenttoemergencymedicalcare" in text
    assert "Onceaweek" in text and "Videocall" in text
    assert "Childrenfrom6to11yearsold" in text
    assert "Itisnotyourfault,andweloveyou." in text
    assert decl.code_display in text and "kinlink.example/verify" in text
    assert "家庭手册" not in text


def test_a_mothers_departure_brings_the_note_for_mothers(family, caseworker_a):
    episode = family.mother.migrations.get()
    registry.migration_update(episode=episode, returned_on=today() - dt.timedelta(days=5))
    plan = make_plan(caseworker_a, family, parent=family.mother, language="en")
    text = _text(family_pack_pdf(plan))
    assert "Whenamotherleaves" in text
    assert "Whenbothparentsareaway" not in text  # the father is at home
    assert "Noguardianshipdeclarationisregisteredyet" in text


def test_a_declaration_not_yet_registered_is_printed_with_a_warning(family, caseworker_a):
    decl = draft(caseworker_a, family, declarant=family.father)
    plan = make_plan(caseworker_a, family, language="en")
    text = _text(family_pack_pdf(plan))
    assert decl.code_display in text and "Draft" in text
    assert "Thisdeclarationisnotinforceyet" in text
    assert "therepresentativecannotsignforthechild" in text


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-5"), (5, "0-5"), (6, "6-11"), (12, "12-14"), (14, "12-14"), (17, "15-17")],
)
def test_every_age_has_its_band_in_both_languages(age, band):
    for language in ("zh-hans", "en"):
        found = guidance.age_band(age, language)
        assert found.key == band and found.may_feel and found.how_to_talk


def test_the_band_is_the_childs_age_on_the_departure_day(family, caseworker_a):
    # Twelve in twenty days; the father leaves in thirty.
    registry.child_update(child=family.child, date_of_birth=years_ago(12, -20))
    plan = make_plan(caseworker_a, family, language="en")
    assert "Childrenfrom12to14yearsold" in _text(family_pack_pdf(plan))


def test_the_guidance_file_is_checked_when_loaded(tmp_path, monkeypatch):
    data = json.loads(guidance.GUIDANCE_FILE.read_text(encoding="utf-8"))
    del data["bands"][1]["how_to_talk"]["zh-hans"]
    broken = tmp_path / "guidance.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(guidance, "GUIDANCE_FILE", broken)
    guidance._guidance_data.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="how_to_talk"):
            guidance.age_band(7, "en")
        data["bands"][1]["how_to_talk"]["zh-hans"] = ["…"]
        data["bands"][2]["min_age"] = 13  # a gap: nobody says anything to a twelve-year-old
        broken.write_text(json.dumps(data), encoding="utf-8")
        guidance._guidance_data.cache_clear()
        with pytest.raises(ImproperlyConfigured, match="run on from 12"):
            guidance.age_band(7, "en")
    finally:
        monkeypatch.undo()
        guidance._guidance_data.cache_clear()


def test_the_township_station_and_the_deployments_helplines_are_printed(
    family, caseworker_a, county, settings, tmp_path
):
    ServiceProvider.objects.create(
        name="东坪镇社工站", kind="social_work", place=county.township_a, phone="0838-1234567"
    )
    ServiceProvider.objects.create(name="西河乡社工站", kind="social_work", place=county.township_b)
    helplines = tmp_path / "help.json"
    helplines.write_text(
        json.dumps(
            {
                "hotlines": [
                    {
                        "number": "0838-7654321",
                        "name": {"en": "County child helpline", "zh-hans": "县儿童求助热线"},
                        "what": {
                            "en": "Any worry about a child.",
                            "zh-hans": "任何关于孩子的担心。",
                        },
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    settings.KINLINK_PRE_DEPARTURE_HELP_FILE = str(helplines)
    text = _text(family_pack_pdf(make_plan(caseworker_a, family)))
    assert "东坪镇社工站" in text and "0838-1234567" in text
    assert "西河乡社工站" not in text
    assert "县儿童求助热线" in text and "0838-7654321" in text
    assert "12355" not in text


def test_the_pack_holds_nothing_of_another_family(ready, child_b, caseworker_b):
    plan, _decl = ready
    father_b = registry.adult_add_to_child(
        child=child_b, kind="father", family_name="张", given_name="伟", sex="M"
    )
    other = make_plan(caseworker_b, Family(child_b, father_b, father_b, father_b), parent=father_b)
    services.plan_set_emergency_contacts(
        actor=caseworker_b,
        plan=other,
        contacts=[services.ContactInput(name="刘阿姨", phone="13511112222")],
    )
    text = _text(family_pack_pdf(plan))
    for leak in ("张丽", "张伟", "刘阿姨", "13511112222", child_b.school.name):
        assert leak not in text


def test_downloading_the_pack_is_audited_and_the_file_names_no_one(client, ready, caseworker_a):
    plan, decl = ready
    client.force_login(caseworker_a)
    response = client.get(reverse("guardianship:plan_pack", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="family-pack-{plan.pk}.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = _text(response.content)
    assert f"/verify/{decl.code_display}/" in text
    entry = AuditEntry.objects.filter(action="export").get()
    assert (entry.object_type, entry.object_id) == ("guardianship.predepartureplan", str(plan.pk))
    assert entry.extra["language"] == "zh-hans"


def test_a_caseworker_elsewhere_cannot_download_it(client, ready, caseworker_b):
    plan, _decl = ready
    client.force_login(caseworker_b)
    assert client.get(reverse("guardianship:plan_pack", args=[plan.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()
