"""A township of registered children for identification tests, and lists about them.

Thirty children live in villages A1 and A2 of township A (caseworker_a's area); most have a
parent away. `roster_csv` writes a school roster of the way a school clerk types it; the
helpers upload, check and accept a list through the services, and run the linking job the way
the worker does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation
from stdnum.cn import ric

from kinlink.core.dates import today
from kinlink.identification import services, tasks
from kinlink.identification.models import ImportBatch, LinkRun
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run
from kinlink.registry import services as registry
from kinlink.registry.models import AwayParents, Child


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English; a page requested in Chinese by an earlier test must
    not leave Chinese active in this thread."""
    with translation.override("en"):
        yield


FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = [
    "子轩", "浩宇", "欣怡", "梓涵", "雨桐", "宇航", "思彤", "俊杰", "可馨", "一诺",
    "佳琪", "博文", "诗涵", "天佑", "语嫣", "嘉豪", "若曦", "明轩", "雅静", "志强",
    "晓峰", "美玲", "建华", "丽娟", "国栋", "海燕", "文博", "秀兰", "振宇", "婉婷",
]  # fmt: skip


def cn_id(born: dt.date, sex: str, seq: int) -> str:
    digit = (seq % 100) * 10 + (1 if sex == "M" else 2)
    first17 = f"511623{born:%Y%m%d}{digit:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


@dataclass
class Township:
    children: list[Child]

    def by_name(self, name: str) -> Child:
        return next(c for c in self.children if c.full_name == name)


@pytest.fixture
def township(county) -> Township:
    """Thirty children aged 6 to 14 (index i: family FAMILY[i], given GIVEN[i]); the first 24
    have both parents away, the rest none; odd ones in village A2; every third has an ID."""
    on = today()
    children = []
    for i in range(30):
        sex = "M" if i % 2 == 0 else "F"
        born = on.replace(year=on.year - 6 - i % 9) - dt.timedelta(days=40 + 7 * i)
        children.append(
            Child(
                family_name=FAMILY[i],
                given_name=GIVEN[i],
                sex=sex,
                date_of_birth=born,
                home_village=county.village_a2 if i % 2 else county.village_a1,
                national_id=cn_id(born, sex, i) if i % 3 == 0 else "",
                away_parents=AwayParents.BOTH if i < 24 else AwayParents.NONE,
                name_key=f"{FAMILY[i]}{GIVEN[i]}",
            )
        )
    return Township(children=Child.objects.bulk_create(children))


@pytest.fixture
def planted(township) -> tuple[Child, Child]:
    """许海燕 (a girl of the township with no ID number) registered a second time by another
    hand, same name, sex, birth date and village."""
    original = registry.child_update(child=township.by_name("许海燕"))  # its search keys
    again = registry.child_register(
        family_name=original.family_name,
        given_name=original.given_name,
        sex=original.sex,
        date_of_birth=original.date_of_birth,
        home_village=original.home_village,
    )
    return original, again


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def roster_rows(children: list[Child], school_code: str = "S-A") -> list[list[str]]:
    """A roster line per child as a school clerk writes it: 学号,姓名,性别,出生日期,学校,出勤率."""
    return [
        [
            f"X{c.pk:05d}",
            c.full_name,
            "男" if c.sex == "M" else "女",
            f"{c.date_of_birth.year}/{c.date_of_birth.month}/{c.date_of_birth.day}",
            school_code,
            "95%",
        ]
        for c in children
    ]


ROSTER_HEADER = ["学号", "姓名", "性别", "出生日期", "学校", "出勤率"]


def import_list(actor, kind: str, raw: bytes, name: str = "list.csv", **kwargs) -> ImportBatch:
    """Upload, check with the guessed mapping, and accept."""
    batch, _new = services.batch_upload(actor=actor, kind=kind, file_name=name, raw=raw, **kwargs)
    batch = services.batch_check(
        actor=actor,
        batch=batch,
        mapping=batch.mapping,
        school=kwargs.get("school"),
        programme=kwargs.get("programme", ""),
    )
    return services.batch_accept(actor=actor, batch=batch)


def link_now(actor, batch: ImportBatch) -> LinkRun:
    """Start the linking job and run it as the worker would; the run it stored."""
    job = tasks.link_start(actor=actor, batch=batch)
    status = job_run(job_id=job.pk)
    job.refresh_from_db()
    assert status == Job.Status.SUCCEEDED, job.message
    return LinkRun.objects.get(batch=batch, is_current=True)


def record_run(actor, batch: ImportBatch, pairs, accept: float = 0.9) -> LinkRun:
    """Store a run as the linking job would, from (row, child, probability, status) tuples
    written by hand: for tests about what happens after linking, without the engine."""
    from kinlink.identification.linking import Assignment, Pair

    evidence = [["name", "exact", 8.5], ["dob", "exact", 6.1], ["village", "different", -2.3]]
    return services.link_run_record(
        actor=actor,
        batch=batch,
        job=None,
        assignment=Assignment(
            pairs=[
                Pair(row.pk, child.pk, p, 10.0, evidence, status) for row, child, p, status in pairs
            ]
        ),
        accept=accept,
        review=0.3,
        registry_children=30,
        fields=["name", "dob", "village"],
        notes=[],
    )
