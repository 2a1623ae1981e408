"""A synthetic village ledger and school roster with known truth, for tests and benchmarks.

Households of left-behind children (siblings, twins, a grandparent or parent as guardian)
live in villages whose families often share a clan surname. The ledger lists every child;
the roster lists the school-age children who are truly enrolled plus children the ledger does
not hold (other households, and siblings the ledger missed). Both are written the way real
clerks write: homophone characters, 小 nicknames, a dropped second character, pinyin or
Cyrillic spellings, swapped names, day/month swaps, year slips, lunar-calendar birth dates,
mistyped ID numbers, village names with and without 村, other guardians and new phones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

import pandas as pd
from pypinyin import Style, lazy_pinyin

from kinlink.core.identity import cn_resident_id_check_char

from .phonetics import palladius

# Family names with their approximate share of China's population (per cent, 2020 census).
FAMILY_NAMES = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2.3,
    "吴": 2.0, "周": 1.9, "徐": 1.7, "孙": 1.5, "马": 1.3, "朱": 1.3, "胡": 1.3, "郭": 1.2,
    "何": 1.2, "高": 1.0, "林": 1.0, "罗": 0.9, "郑": 0.8, "梁": 0.8, "谢": 0.7, "宋": 0.7,
    "唐": 0.6, "许": 0.6, "韩": 0.6, "冯": 0.5, "邓": 0.5, "曹": 0.5, "彭": 0.5, "曾": 0.5,
    "肖": 0.5, "田": 0.4, "董": 0.4, "袁": 0.4, "潘": 0.4, "于": 0.4, "蒋": 0.4, "蔡": 0.4,
    "余": 0.4, "杜": 0.4, "叶": 0.4, "程": 0.4, "苏": 0.35, "魏": 0.35, "吕": 0.34, "丁": 0.33,
    "任": 0.32, "沈": 0.31, "姚": 0.3, "卢": 0.3, "姜": 0.29, "崔": 0.28, "钟": 0.27, "谭": 0.27,
    "陆": 0.26, "汪": 0.26, "范": 0.25, "金": 0.24, "石": 0.24, "廖": 0.23, "贾": 0.23,
    "夏": 0.22, "韦": 0.22, "付": 0.21, "方": 0.21, "白": 0.2, "邹": 0.2, "孟": 0.2, "熊": 0.2,
    "秦": 0.19, "邱": 0.19, "江": 0.19, "尹": 0.18, "薛": 0.18, "闫": 0.17, "段": 0.17,
    "雷": 0.17, "侯": 0.16, "龙": 0.16, "史": 0.15, "陶": 0.15, "黎": 0.15, "贺": 0.15,
    "顾": 0.14, "毛": 0.14, "郝": 0.14, "龚": 0.14, "邵": 0.14, "万": 0.13, "钱": 0.13,
    "严": 0.13, "覃": 0.13, "武": 0.12, "戴": 0.12, "莫": 0.12, "孔": 0.12, "欧阳": 0.05,
}  # fmt: skip

# Popular given names of children born 2005-2020, most popular first (they collide often).
POPULAR_BOYS = [
    "子轩",
    "浩宇",
    "浩然",
    "宇轩",
    "子豪",
    "俊杰",
    "梓轩",
    "一诺",
    "宇航",
    "皓轩",
    "子涵",
    "博文",
    "天佑",
    "嘉豪",
    "明轩",
    "泽宇",
    "文博",
    "思远",
    "晨阳",
    "睿",
    "浩",
    "宇",
    "杰",
    "鑫",
    "磊",
    "伟",
    "涛",
    "子墨",
    "奕辰",
    "沐阳",
]
POPULAR_GIRLS = [
    "子涵",
    "欣怡",
    "梓涵",
    "诗涵",
    "一诺",
    "雨涵",
    "梓萱",
    "可馨",
    "佳怡",
    "思涵",
    "语桐",
    "欣妍",
    "雨欣",
    "梦琪",
    "紫涵",
    "诗琪",
    "佳琪",
    "欣然",
    "依诺",
    "若汐",
    "婷",
    "静",
    "敏",
    "悦",
    "琳",
    "雪",
    "慧",
    "洁",
]
BOY_CHARS = (
    "伟强磊军洋勇杰涛明超浩宇轩子豪俊博文睿泽辰鹏鑫晨阳天一然瑞嘉航成思凯昊志乐皓宏毅诚建"
    "国华斌峰林亮东海龙飞翔康健锐铭炎彬"
)
GIRL_CHARS = (
    "芳娜敏静丽艳娟霞秀玲婷欣怡涵雨萱梓诗琪悦可馨佳妍琳雪晴梦思语嘉彤瑶菲蕾颖月慧洁倩淑兰"
    "红婧晗萌蓉薇莉"
)
# Characters sharing a reading with the name characters above: the homophones clerks pick.
HOMOPHONE_POOL = (
    "铭鸣名洁婕捷婧晶靖菁京萱宣暄含晗寒仪宜依艺奕亦逸伊雨语羽禹玉煜钰昱昊皓豪馨新心鑫昕"
    "家加琦淇棋祺奇齐其紫姿柏波瑞锐蕊辰琛臣则楷恺斯丝亭庭霆月越岳玥燕艳彦霖淋麟学遥尧"
    "峻骏君均薇维威玮巍蔷民闽珉莉力立俐黎方骅桦杭朋菲妃霏祥湘香隆珑洋扬鸿泓易翼义建剑坚"
    "韬陶"
)
ELDER_GIVEN = [
    "建国",
    "秀英",
    "桂英",
    "玉兰",
    "国华",
    "德明",
    "淑珍",
    "秀兰",
    "志强",
    "凤英",
    "春花",
    "永红",
    "建华",
    "桂兰",
    "明华",
]
PLACE_CHARS = (
    "东西南北上下前后大小新老红黄青白石山河田坝沟湾岭坪塘桥庄寨坡店口林家集源溪冲垭堡"
    "营关岗场亭花柳杨李王张龙凤平安和兴隆丰富金银长高"
)
# Six-digit county codes (GB/T 2260) of counties with many left-behind children.
COUNTY_CODES = ("411522", "511623", "431122", "340822", "522422", "421181", "362124")
SCHOOL_AGES = (6, 15)
_ZIPF = list(
    accumulate(1 / (rank + 2) for rank in range(100))
)  # popularity of popular names  # compulsory education: primary and junior middle school


@dataclass
class Child:
    key: int
    household: int
    family: str
    given: str
    sex: str
    born: dt.date
    id_number: str
    village: str
    guardian: str
    phone: str


@dataclass
class SyntheticLinkage:
    """The two files and the truth about them."""

    ledger: pd.DataFrame
    roster: pd.DataFrame
    true_links: set[tuple[str, str]]  # (ledger record_id, roster record_id)
    not_enrolled: set[str]  # ledger record_ids of school-age children who are not enrolled
    reference_date: dt.date
    stats: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Turns a true child into a record as a clerk would write it, corrupting some fields."""

    def __init__(self, rng: random.Random, rates: dict[str, float]) -> None:
        self.rng = rng
        self.rates = rates
        pool = set(BOY_CHARS + GIRL_CHARS + HOMOPHONE_POOL + "".join(POPULAR_BOYS + POPULAR_GIRLS))
        by_sound: dict[str, list[str]] = defaultdict(list)
        for char in sorted(pool):
            by_sound[lazy_pinyin(char, style=Style.NORMAL)[0]].append(char)
        self.homophones = {
            c: [o for o in group if o != c] for group in by_sound.values() for c in group
        }

    def chance(self, name: str) -> bool:
        return self.rng.random() < self.rates.get(name, 0.0)

    def name(self, family: str, given: str) -> tuple[str, str]:
        rng = self.rng
        if self.chance("homophone"):
            positions = [i for i, c in enumerate(given) if self.homophones.get(c)]
            if positions:
                i = rng.choice(positions)
                given = given[:i] + rng.choice(self.homophones[given[i]]) + given[i + 1 :]
        if self.chance("nickname"):
            given = "小" + given[-1]
        elif len(given) == 2 and self.chance("dropped_char"):
            given = given[0]
        script = rng.random()
        if script < self.rates.get("pinyin", 0.0):
            family, given = _pinyin_spelling(family, given, rng)
        elif script < self.rates.get("pinyin", 0.0) + self.rates.get("cyrillic", 0.0):
            family, given = _cyrillic_spelling(family), _cyrillic_spelling(given)
        if self.chance("swapped"):
            family, given = given, family
        return family, given

    def birth_date(self, born: dt.date) -> str:
        rng = self.rng
        if self.chance("dob_missing"):
            return ""
        date = born
        if self.chance("lunar"):
            date = born - dt.timedelta(days=rng.randint(20, 50))
        elif self.chance("day_month") and born.day <= 12 and born.day != born.month:
            date = born.replace(month=born.day, day=born.month)
        elif self.chance("year_slip"):
            date = _safe_replace_year(born, born.year + rng.choice((-1, 1)))
        text = _format_date(date, rng)
        if self.chance("dob_typo"):
            digits = [i for i, c in enumerate(text) if c.isdigit()]
            i = rng.choice(digits[-4:])
            text = text[:i] + str(rng.randint(0, 9)) + text[i + 1 :]
        return text

    def id_number(self, number: str) -> str:
        if self.chance("id_missing"):
            return ""
        if self.chance("id_typo"):
            i = self.rng.randrange(17)
            number = (
                number[:i] + str((int(number[i]) + self.rng.randint(1, 9)) % 10) + number[i + 1 :]
            )
        return number

    def village(self, village: str, villages: list[str]) -> str:
        if self.chance("village_missing"):
            return ""
        if self.chance("village_moved"):
            village = self.rng.choice(villages)
        if self.chance("village_variant"):
            return self.rng.choice((village[:-1], village[:-1] + "村委会", village + "一组"))
        return village

    def sex(self, sex: str) -> str:
        if self.chance("sex_missing"):
            return ""
        if self.chance("sex_error"):
            sex = "F" if sex == "M" else "M"
        return self.rng.choice(("男", "M")) if sex == "M" else self.rng.choice(("女", "F"))

    def guardian(self, child: Child, other_guardian: tuple[str, str]) -> tuple[str, str]:
        name, phone = child.guardian, child.phone
        if self.chance("other_guardian"):
            name = other_guardian[0]
            if self.rng.random() < 0.5:
                phone = other_guardian[1]
        if self.chance("phone_typo"):
            i = self.rng.randrange(3, 11)
            phone = phone[:i] + str((int(phone[i]) + 1) % 10) + phone[i + 1 :]
        if self.chance("guardian_missing"):
            name = ""
        if self.chance("phone_missing"):
            phone = ""
        return name, phone


LEDGER_RATES = {
    "homophone": 0.02, "nickname": 0.01, "dropped_char": 0.005, "pinyin": 0.0, "cyrillic": 0.0,
    "swapped": 0.005, "dob_missing": 0.01, "lunar": 0.04, "day_month": 0.01, "year_slip": 0.01,
    "dob_typo": 0.005, "id_missing": 0.15, "id_typo": 0.01, "village_missing": 0.0,
    "village_moved": 0.0, "village_variant": 0.05, "sex_missing": 0.01, "sex_error": 0.005,
    "other_guardian": 0.0, "phone_typo": 0.01, "guardian_missing": 0.03, "phone_missing": 0.05,
}  # fmt: skip
ROSTER_RATES = {
    "homophone": 0.08, "nickname": 0.04, "dropped_char": 0.03, "pinyin": 0.08, "cyrillic": 0.03,
    "swapped": 0.03, "dob_missing": 0.02, "lunar": 0.05, "day_month": 0.03, "year_slip": 0.03,
    "dob_typo": 0.01, "id_missing": 0.4, "id_typo": 0.03, "village_missing": 0.05,
    "village_moved": 0.02, "village_variant": 0.15, "sex_missing": 0.02, "sex_error": 0.01,
    "other_guardian": 0.25, "phone_typo": 0.02, "guardian_missing": 0.1, "phone_missing": 0.1,
}  # fmt: skip


def _safe_replace_year(date: dt.date, year: int) -> dt.date:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return date.replace(year=year, day=28)


def _format_date(date: dt.date, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.6:
        return date.isoformat()
    if style < 0.85:
        return f"{date.year}/{date.month}/{date.day}"
    return f"{date.year}年{date.month}月{date.day}日"


def _pinyin_spelling(family: str, given: str, rng: random.Random) -> tuple[str, str]:
    toned = rng.random() < 0.3
    style = Style.TONE if toned else Style.NORMAL
    fam = "".join(lazy_pinyin(family, style=style)).capitalize()
    parts = lazy_pinyin(given, style=style)
    joiner = rng.choice(("", "", " ", "-"))
    giv = joiner.join(p.capitalize() if joiner else p for p in parts)
    giv = giv[:1].upper() + giv[1:]
    if rng.random() < 0.2:
        fam, giv = fam.upper(), giv.upper()
    return fam, giv


class _Population:
    def __init__(self, rng: random.Random, n_villages: int, reference_date: dt.date) -> None:
        self.rng = rng
        self.reference_date = reference_date
        self.family_names = list(FAMILY_NAMES)
        self.family_weights = list(accumulate(FAMILY_NAMES.values()))
        names: set[str] = set()
        while len(names) < n_villages:
            # Two-character village names repeat across a big county, as they do in life.
            names.add(rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS) + "村")
            if len(names) >= len(PLACE_CHARS) ** 2:
                break
        self.villages = sorted(names)
        rng.shuffle(self.villages)
        self.village_county = {v: rng.choice(COUNTY_CODES) for v in self.villages}
        self.village_clans = {
            v: rng.choices(self.family_names, cum_weights=self.family_weights, k=rng.randint(1, 3))
            for v in self.villages
        }
        self.sequence: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.next_key = 0
        self.next_household = 0

    def _family_name(self, village: str) -> str:
        if self.rng.random() < 0.5:  # clan villages
            return self.rng.choice(self.village_clans[village])
        return self.rng.choices(self.family_names, cum_weights=self.family_weights)[0]

    def _given_name(self, sex: str, generation: str | None) -> str:
        rng = self.rng
        chars = BOY_CHARS if sex == "M" else GIRL_CHARS
        if generation:
            return generation + rng.choice(chars)
        if rng.random() < 0.35:
            popular = POPULAR_BOYS if sex == "M" else POPULAR_GIRLS
            return rng.choices(popular, cum_weights=_ZIPF[: len(popular)])[0]
        if rng.random() < 0.15:
            return rng.choice(chars)
        return rng.choice(chars) + rng.choice(chars)

    def _id_number(self, village: str, born: dt.date, sex: str) -> str:
        county = self.village_county[village]
        self.sequence[(county, born)] += 1
        serial = self.sequence[(county, born)] * 2 + (1 if sex == "M" else 0)
        first17 = f"{county}{born:%Y%m%d}{serial % 1000:03d}"
        return first17 + cn_resident_id_check_char(first17)

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def guardian_name(self, family: str) -> str:
        surname = (
            family if self.rng.random() < 0.5 else self._family_name(self.rng.choice(self.villages))
        )
        return surname + self.rng.choice(ELDER_GIVEN)

    def household(self, village: str | None = None) -> list[Child]:
        rng = self.rng
        village = village or rng.choice(self.villages)
        family = self._family_name(village)
        size = rng.choices((1, 2, 3, 4), weights=(45, 38, 14, 3))[0]
        guardian, phone = self.guardian_name(family), self.phone()
        generation = rng.choice(BOY_CHARS + GIRL_CHARS) if size > 1 and rng.random() < 0.3 else None
        youngest_age_days = rng.randint(0, 17 * 365)
        ages = [youngest_age_days]
        for _ in range(size - 1):
            ages.append(ages[-1] + rng.randint(365, 6 * 365))
        if size > 1 and rng.random() < 0.06:  # twins: a sibling born the same day
            ages[1] = ages[0]
        household = self.next_household
        self.next_household += 1
        children = []
        used_given: set[str] = set()
        for age_days in ages:
            if age_days > 18 * 365 - 1:
                continue
            sex = "M" if rng.random() < 0.52 else "F"
            born = self.reference_date - dt.timedelta(days=age_days)
            # Parents do not give two children names that sound the same.
            given = self._given_name(sex, generation)
            while _sound(given) in used_given:
                given = self._given_name(sex, generation)
            used_given.add(_sound(given))
            children.append(
                Child(
                    key=self.next_key,
                    household=household,
                    family=family,
                    given=given,
                    sex=sex,
                    born=born,
                    id_number=self._id_number(village, born, sex),
                    village=village,
                    guardian=guardian,
                    phone=phone,
                )
            )
            self.next_key += 1
        return children


@lru_cache(maxsize=100_000)
def _sound(name: str) -> str:
    return "".join(lazy_pinyin(name))


@lru_cache(maxsize=100_000)
def _cyrillic_spelling(text: str) -> str:
    parts = [palladius(s.replace("ü", "u").replace("v", "u")) or s for s in lazy_pinyin(text)]
    return "".join(parts).capitalize()


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def generate(
    n_ledger: int,
    n_roster: int | None = None,
    *,
    seed: int = 0,
    reference_date: dt.date = dt.date(2024, 9, 1),
    enrolment_rate: float = 0.88,
    ledger_rates: dict[str, float] | None = None,
    roster_rates: dict[str, float] | None = None,
) -> SyntheticLinkage:
    """A ledger of `n_ledger` children and a roster of about `n_roster` (default the same)."""
    rng = random.Random(seed)
    n_roster = n_ledger if n_roster is None else n_roster
    population = _Population(rng, max(3, (n_ledger + n_roster) // 250), reference_date)
    ledger_children: list[Child] = []
    missed_siblings: list[Child] = []
    while len(ledger_children) < n_ledger:
        for child in population.household():
            # The ledger misses one child in fifty; the school may still enrol them.
            (missed_siblings if rng.random() < 0.02 else ledger_children).append(child)
    ledger_children = ledger_children[:n_ledger]

    def school_age(child: Child) -> bool:
        return SCHOOL_AGES[0] <= _age(child.born, reference_date) <= SCHOOL_AGES[1]

    enrolled = [c for c in ledger_children if school_age(c) and rng.random() < enrolment_rate]
    not_enrolled = {c.key for c in ledger_children if school_age(c)} - {c.key for c in enrolled}
    others = [c for c in missed_siblings if school_age(c)]
    while len(enrolled) + len(others) < n_roster:
        others.extend(c for c in population.household() if school_age(c))
    roster_children = enrolled + others[: max(0, n_roster - len(enrolled))]
    rng.shuffle(roster_children)

    ledger_writer = _Writer(rng, ledger_rates or LEDGER_RATES)
    roster_writer = _Writer(rng, roster_rates or ROSTER_RATES)
    ledger_ids = _ids("L", len(ledger_children), rng)
    roster_ids = _ids("R", len(roster_children), rng)
    ledger_id_of = {c.key: ledger_ids[i] for i, c in enumerate(ledger_children)}
    ledger = _records(ledger_children, ledger_ids, ledger_writer, population)
    roster = _records(roster_children, roster_ids, roster_writer, population)
    true_links = {
        (ledger_id_of[c.key], roster_ids[i])
        for i, c in enumerate(roster_children)
        if c.key in ledger_id_of
    }
    return SyntheticLinkage(
        ledger=ledger,
        roster=roster,
        true_links=true_links,
        not_enrolled={ledger_id_of[k] for k in not_enrolled},
        reference_date=reference_date,
        stats={
            "ledger": len(ledger),
            "roster": len(roster),
            "links": len(true_links),
            "not_enrolled": len(not_enrolled),
        },
    )


def _ids(prefix: str, n: int, rng: random.Random) -> list[str]:
    numbers = list(range(1, n + 1))
    rng.shuffle(numbers)  # ids say nothing about who matches whom
    width = max(6, len(str(n)))
    return [f"{prefix}{number:0{width}d}" for number in numbers]


def _records(
    children: list[Child], ids: list[str], writer: _Writer, population: _Population
) -> pd.DataFrame:
    rows = []
    for record_id, child in zip(ids, children, strict=True):
        family, given = writer.name(child.family, child.given)
        other = (population.guardian_name(child.family), population.phone())
        guardian, phone = writer.guardian(child, other)
        rows.append(
            (
                record_id,
                family,
                given,
                writer.sex(child.sex),
                writer.birth_date(child.born),
                writer.id_number(child.id_number),
                writer.village(child.village, population.villages),
                guardian,
                phone,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "record_id",
            "family_name",
            "given_name",
            "sex",
            "date_of_birth",
            "id_number",
            "village",
            "guardian_name",
            "guardian_phone",
        ],
    )
