"""Synthetic registries: a Sichuan-like county for `kinlink demo` and larger ones for
`kinlink synth`. Pure generation, deterministic for a seed and a reference date; `demo.services`
writes what it yields. The shares it follows are in `demo.figures` (sources: docs/demo-data.md).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from kinlink.core.identity import cn_resident_id_check_char
from kinlink.core.names import name_search_key, to_latin
from kinlink.demo import figures
from kinlink.registry.derived import ParentsAway

PROVINCE_NAME = "四川省"
PROVINCE_CODE = "510000"
# The demo county borrows the region code of a real Sichuan county (金堂县) whose code has been
# valid for every birth year, so that every synthetic resident ID number passes the birth-place
# check. Its name and everything inside it are invented.
DEMO_COUNTY_CODE = "510121"
DEMO_COUNTY_NAME = "青山县"

Record = dict[str, Any]

# Family names, roughly by frequency (MPS 2020 name report: 王, 李, 张, 刘, 陈 lead), with names
# common in Sichuan (罗, 何, 邓, 唐, 蒋, 曾) lifted a little. Weights are per mille.
FAMILY_NAMES: dict[str, float] = {
    "王": 71, "李": 74, "张": 67, "刘": 53, "陈": 48, "杨": 34, "黄": 24, "赵": 21, "吴": 20,
    "周": 20, "徐": 15, "孙": 14, "马": 13, "朱": 13, "胡": 13, "郭": 12, "何": 16, "林": 10,
    "高": 11, "罗": 18, "郑": 10, "梁": 9, "谢": 9, "宋": 8, "唐": 11, "许": 7, "韩": 7,
    "冯": 7, "邓": 10, "曹": 6, "彭": 8, "曾": 8, "肖": 7, "田": 6, "董": 5, "袁": 7, "潘": 5,
    "于": 4, "蒋": 7, "蔡": 5, "余": 6, "杜": 6, "叶": 4, "程": 4, "苏": 4, "魏": 4, "吕": 4,
    "丁": 4, "任": 5, "沈": 3, "姚": 3, "卢": 3, "姜": 3, "崔": 2, "钟": 4, "谭": 4, "陆": 2,
    "汪": 3, "范": 3, "廖": 4, "石": 3, "贾": 2, "雷": 4, "文": 3, "龚": 3, "向": 3, "付": 3,
    "母": 1, "敬": 1, "税": 1,
}  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by generation and sex: popular whole names first, then characters that are
# combined into two-character names, so that names repeat as they do in a real county.
_GIVEN: dict[tuple[str, str], tuple[Sequence[str], str, str]] = {
    ("child", "M"): (
        _words(
            "浩然 宇轩 子轩 梓豪 俊杰 浩宇 宇航 子豪 一鸣 沐宸 浩轩 宇泽 皓轩 子墨 奕辰 梓睿 思远 "
            "博文 家豪 嘉乐 天佑 俊熙 晨阳 明轩 睿 杰 涛 宇 鑫 磊 航 浩 博 阳 辰"
        ),
        "子梓浩宇俊嘉天思一奕皓明文晨家博泽睿雨承",
        "轩豪杰睿泽辰阳航铭瑞鑫凯然诚鹏煜哲宸熙宁",
    ),
    ("child", "F"): (
        _words(
            "子涵 梓涵 欣怡 雨桐 一诺 梓萱 诗涵 可馨 思雨 语桐 欣妍 佳怡 若汐 紫涵 雨萱 梦琪 静怡 "
            "雅琪 心怡 思彤 佳琪 欣悦 诗琪 嘉怡 婉清 晓雪 婷 颖 悦 琳 雪 洁 萱 瑶 欣"
        ),
        "子梓欣雨诗思佳梦雅静心语若紫可嘉婉晓依芷",
        "涵萱桐妍琪彤悦馨汐琳雪婷颖瑶萌怡然宁蕊菲",
    ),
    ("parent", "M"): (
        _words(
            "伟 强 磊 军 勇 涛 斌 杰 鹏 超 波 辉 刚 平 林 俊 建华 建军 志强 海涛 国华 小军 永刚 "
            "小龙 志勇 建平 文军 红兵 晓东"
        ),
        "建志海国小永文晓明德俊春家",
        "华军强涛勇平兵东明刚林伟龙波",
    ),
    ("parent", "F"): (
        _words(
            "芳 娟 丽 敏 静 燕 霞 艳 玲 琴 梅 红 英 丽娟 秀英 晓燕 春梅 海燕 玉兰 桂芳 小琴 雪梅 "
            "小红 丽华 红梅 小燕 丽萍 琳"
        ),
        "丽晓春海玉秀小雪红美淑",
        "娟燕梅英兰芳琴萍华霞玲艳",
    ),
    ("elder", "M"): (
        _words(
            "建国 国强 德明 文华 志明 建华 国华 福全 德华 长生 永福 明德 树林 家明 玉山 成 明 福 "
            "学文 光明 正华 德全 福贵 国清"
        ),
        "建国德文志福长永明树家玉学光正",
        "国强明华全生福德林山清贵才成安",
    ),
    ("elder", "F"): (
        _words(
            "秀英 桂英 秀兰 玉兰 桂兰 凤英 淑珍 玉珍 秀珍 桂芳 秀芳 翠兰 素芬 德芳 玉梅 秀华 "
            "淑芬 素珍 桂珍 兰英"
        ),
        "秀桂玉凤淑翠素德兰春",
        "英兰珍芳芬梅华莲琼贞",
    ),
}

_INTERNAL_DESTINATIONS = {
    "广东省东莞市": 12, "广东省深圳市": 10, "广东省广州市": 6, "广东省佛山市": 4,
    "浙江省宁波市": 5, "浙江省杭州市": 4, "浙江省温州市": 3, "江苏省苏州市": 5,
    "福建省厦门市": 3, "福建省泉州市": 3, "四川省成都市": 14, "重庆市": 7, "上海市": 6,
    "北京市": 4, "新疆维吾尔自治区乌鲁木齐市": 2, "西藏自治区拉萨市": 2, "云南省昆明市": 2,
}  # fmt: skip
_ABROAD_DESTINATIONS = {
    ("JP", "大阪"): 4, ("SG", "新加坡"): 3, ("MY", "吉隆坡"): 2, ("AE", "迪拜"): 2,
    ("AO", "罗安达"): 2, ("SA", "利雅得"): 1, ("KR", "首尔"): 2, ("IT", "普拉托"): 1,
}  # fmt: skip

# China's mobile prefixes, each checked valid by `phonenumbers` (tests/demo check every number).
_MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 175 "
    "176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
)

_PLACE_FIRST = "东西南北青石白龙凤安永兴太平新金双马桃柳花竹云红明福清宝长黄高三"
_PLACE_SECOND = "山河桥坝坪溪沟岭场湾口寺林塘池峰岩湖田园垭坡冲庙井坎堰"


# Layout ------------------------------------------------------------------------------------


@dataclass
class VillagePlan:
    code: str  # 12 digits: county (6), township (3), village (3)
    name: str
    children: int
    id: int | None = None


@dataclass
class TownshipPlan:
    code: str  # 12 digits
    name: str
    villages: list[VillagePlan]
    id: int | None = None
    primary_school_id: int | None = None


@dataclass
class CountyPlan:
    region: str  # the 6-digit region code
    name: str
    townships: list[TownshipPlan]
    id: int | None = None
    middle_school_id: int | None = None
    high_school_id: int | None = None

    @property
    def code(self) -> str:
        return f"{self.region}000000"


@dataclass
class Layout:
    children: int
    counties: list[CountyPlan]

    def villages(self) -> Iterator[tuple[CountyPlan, TownshipPlan, VillagePlan]]:
        for county in self.counties:
            for township in county.townships:
                for village in township.villages:
                    yield county, township, village


def _split(total: int, parts: int) -> list[int]:
    """Split a total into parts that differ by at most one, the larger ones first."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def region_code_valid(region: str, year: int) -> bool:
    """Whether python-stdnum accepts the region code for someone born in that year."""
    return _region_code_valid(region, year)


@cache
def _region_code_valid(region: str, year: int) -> bool:
    first17 = f"{region}{year}0101001"
    try:
        ric.get_birth_place(first17 + cn_resident_id_check_char(first17))
    except (StdnumError, KeyError):  # stdnum raises KeyError for a city code with no county
        return False
    return True


@lru_cache(maxsize=4)
def county_regions(until_year: int) -> tuple[str, ...]:
    """Sichuan county codes valid for births from 2005 to `until_year`, the demo county's first;
    further counties of a large synthetic registry take these codes in order."""
    regions = [DEMO_COUNTY_CODE]
    for number in range(510100, 520000):
        region = str(number)
        if int(region[4:]) < 21 or region == DEMO_COUNTY_CODE:  # skip cities and their districts
            continue
        if _region_code_valid(region, 2005) and _region_code_valid(region, until_year):
            regions.append(region)
    return tuple(regions)


def _place_name(rng: random.Random, taken: set[str], suffix: str) -> str:
    for _ in range(200):
        name = rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND) + suffix
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of place names")  # only with hundreds in one township


def plan_layout(children: int, *, seed: int, on: dt.date) -> Layout:
    """Counties, townships and villages for a number of children (about 200 per village)."""
    if children < 1:
        raise ValueError("at least one child is needed")
    rng = random.Random(f"layout/{seed}")
    villages = max(4, round(children / figures.CHILDREN_PER_VILLAGE))
    townships = max(2, math.ceil(villages / figures.VILLAGES_PER_TOWNSHIP))
    n_counties = math.ceil(townships / figures.TOWNSHIPS_PER_COUNTY)
    regions = county_regions(on.year)
    if n_counties > len(regions):
        raise ValueError(
            f"{children} children need {n_counties} counties; only {len(regions)} Sichuan county "
            "codes are available"
        )
    village_quota = iter(_split(children, villages))
    villages_per_township = iter(_split(villages, townships))
    county_names: set[str] = {DEMO_COUNTY_NAME}
    counties = []
    for c, n_townships in enumerate(_split(townships, n_counties)):
        region = regions[c]
        name = DEMO_COUNTY_NAME if c == 0 else _place_name(rng, county_names, "县")
        township_names: set[str] = {"城关镇"}
        town_no, xiang_no = itertools.count(101), itertools.count(201)
        township_plans = []
        for t in range(n_townships):
            # The first township is the county town; others are towns (镇, codes 1xx) or
            # rural townships (乡, codes 2xx), as in the national statistical division codes.
            if t == 0:
                t_name, t_code = "城关镇", next(town_no)
            elif rng.random() < 0.6:
                t_name, t_code = _place_name(rng, township_names, "镇"), next(town_no)
            else:
                t_name, t_code = _place_name(rng, township_names, "乡"), next(xiang_no)
            village_names: set[str] = set()
            village_plans = [
                VillagePlan(
                    code=f"{region}{t_code:03d}{200 + v + 1:03d}",
                    name=_place_name(rng, village_names, "村"),
                    children=next(village_quota),
                )
                for v in range(next(villages_per_township))
            ]
            township_plans.append(TownshipPlan(f"{region}{t_code:03d}000", t_name, village_plans))
        counties.append(CountyPlan(region, name, township_plans))
    return Layout(children, counties)


# Generation --------------------------------------------------------------------------------


@dataclass
class Batch:
    """Rows to write, as {attribute name: value}, in the order the tables must be filled."""

    households: list[Record] = field(default_factory=list)
    adults: list[Record] = field(default_factory=list)
    children: list[Record] = field(default_factory=list)
    relationships: list[Record] = field(default_factory=list)
    migrations: list[Record] = field(default_factory=list)
    care: list[Record] = field(default_factory=list)


TABLES = ("households", "adults", "children", "relationships", "migrations", "care")


class _Weighted:
    """A weighted choice that is cheap to draw from many times."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        x = rng.random() * self.cumulative[-1]
        return self.values[bisect.bisect_right(self.cumulative, x)]


class _Shares:
    """Assigns categories so that running totals track the target shares closely, whatever the
    size: each household takes the category furthest below its target."""

    def __init__(self, targets: dict[str, float]) -> None:
        self.targets = targets
        self.counts: Counter[str] = Counter()
        self.total = 0

    def pick(self, weight: int) -> str:
        self.total += weight
        best = max(self.targets, key=lambda c: self.targets[c] * self.total - self.counts[c])
        self.counts[best] += weight
        return best


@lru_cache(maxsize=300_000)
def person_names(family: str, given: str) -> tuple[str, str, str]:
    """(family name in Latin, given name in Latin, name_key), as registry.services computes them
    when a record is saved (tests/demo compare the two)."""
    family_latin, given_latin = to_latin(family), to_latin(given)
    key = name_search_key(family, given)[:400]
    latin_key = name_search_key(family_latin, given_latin)
    if latin_key and latin_key not in key:
        key = f"{key} {latin_key}"[:400]
    return family_latin, given_latin, key


def _days(years: float) -> dt.timedelta:
    return dt.timedelta(days=round(years * 365.25))


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


class Generator:
    """Households of children, parents, grandparents and relatives for every village of a
    layout whose places already have ids. Ids of new rows start at `first_ids[table]`."""

    def __init__(
        self,
        layout: Layout,
        *,
        seed: int,
        on: dt.date,
        first_ids: dict[str, int] | None = None,
        taken_references: set[str] | None = None,
    ) -> None:
        self.layout = layout
        self.seed = seed
        self.on = on
        self._ids = {t: itertools.count((first_ids or {}).get(t, 1)) for t in TABLES}
        self._references = taken_references if taken_references is not None else set()
        self._serials: dict[tuple[str, dt.date, str], int] = {}
        lb = figures.LEFT_BEHIND_SHARE
        self._shares = _Shares(
            {"none": 1 - lb, **{k: lb * v for k, v in figures.AWAY_SHARES.items()}}
        )
        self._family = _Weighted(FAMILY_NAMES)
        self._internal = _Weighted(_INTERNAL_DESTINATIONS)
        self._abroad = _Weighted(_ABROAD_DESTINATIONS)
        self._sizes = _Weighted(figures.CHILDREN_PER_HOUSEHOLD)
        self._birth_years = self._birth_year_weights()
        self.stats: Counter[str] = Counter()
        self._elderly_age = settings.KINLINK_ELDERLY_CAREGIVER_AGE
        self._school_year_start = dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)

    def batches(self, children_per_batch: int = 50_000) -> Iterator[Batch]:
        batch = Batch()
        for county, township, village in self.layout.villages():
            rng = random.Random(f"{self.seed}/{village.code}")
            remaining = village.children
            while remaining > 0:
                remaining -= self._household(rng, batch, county, township, village, remaining)
            if len(batch.children) >= children_per_batch:
                yield batch
                batch = Batch()
        if batch.children or batch.households:
            yield batch

    # Households ----------------------------------------------------------------------------

    def _household(
        self,
        rng: random.Random,
        batch: Batch,
        county: CountyPlan,
        township: TownshipPlan,
        village: VillagePlan,
        room: int,
    ) -> int:
        on = self.on
        dobs = self._birth_dates(rng, min(room, self._sizes.draw(rng)))
        eldest = dobs[0]
        household = {
            "id": next(self._ids["households"]),
            "reference": self._reference(rng),
            "village_id": village.id,
            "address": f"{village.name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
        }
        batch.households.append(household)
        self.stats["households"] += 1
        hh = household["id"]

        surname = self._family.draw(rng)
        father = self._adult(
            rng, batch, county, surname, "M", "parent", eldest - _days(rng.uniform(23, 34)), hh
        )
        mother = self._adult(
            rng,
            batch,
            county,
            self._other_surname(rng, surname),
            "F",
            "parent",
            eldest - _days(rng.uniform(21, 31)),
            hh,
        )
        category = self._shares.pick(len(dobs))
        mother_away = category in ("mother", "both")
        father_away = category in ("father", "both")

        # A parent who has died is never the one away.
        deceased = None
        if rng.random() < figures.DECEASED_PARENT_SHARE and (on - eldest).days > 90:
            candidates = [
                p for p, away in ((father, father_away), (mother, mother_away)) if not away
            ]
            if candidates:
                deceased = candidates[0] if len(candidates) == 1 or rng.random() < 2 / 3 else mother
                deceased["is_alive"] = False
                # After the first birth and not long before the last one.
                earliest = max(eldest + dt.timedelta(days=30), dobs[-1] - dt.timedelta(days=200))
                deceased["died_on"] = _between(rng, earliest, on - dt.timedelta(days=30))
                deceased["phone"] = ""
                self.stats["deceased_parents"] += 1

        open_episodes = {}
        for parent, away in ((father, father_away), (mother, mother_away)):
            if away:
                open_episodes[parent["id"]] = self._away(rng, batch, parent, dobs[-1])
            elif parent is not deceased and rng.random() < figures.RETURNED_PARENT_SHARE:
                self._returned(rng, batch, parent)

        away_since = [e["departed_on"] for e in open_episodes.values()]
        substitute_care = (mother_away and father_away) or (
            deceased is not None and (mother_away or father_away)
        )
        care_start = max([*away_since, *([deceased["died_on"]] if deceased else [])], default=on)

        children: list[Record] = []
        for dob in dobs:
            taken = {c["given_name"] for c in children}
            children.append(
                self._child(rng, batch, county, township, village, surname, mother, dob, hh, taken)
            )
        # The derived columns, by the rule registry.derived applies to these facts.
        away = ParentsAway(
            mother_away=mother_away,
            father_away=father_away,
            abroad=any(e["scope"] == "international" for e in open_episodes.values()),
            since=min(away_since) if away_since else None,
        )
        for child in children:
            self._relate(batch, child, mother, "mother")
            self._relate(batch, child, father, "father")
            child["away_parents"] = away.away_parents.value
            child["parent_abroad"] = away.abroad
            child["separated_since"] = away.since
            self.stats[f"away_{child['away_parents']}"] += 1

        self._arrange_care(
            rng,
            batch,
            county,
            hh,
            children,
            father=father,
            mother=mother,
            kind=self._care_kind(rng, category, substitute_care, eldest),
            since=care_start,
        )
        return len(children)

    def _care_kind(
        self, rng: random.Random, category: str, substitute_care: bool, eldest: dt.date
    ) -> str:
        """Who cares day to day: "grandparent", "relative", "child_headed", "parent", "none"."""
        if substitute_care:  # both away, or one away and the other dead
            r = rng.random()
            shares = figures.BOTH_AWAY_CARE
            if r < shares["child_headed"]:
                # Only a teenager heads a household; a younger eldest stays with grandparents.
                old_enough = (self.on - eldest).days >= 14 * 365
                return "child_headed" if old_enough else "grandparent"
            return "relative" if r < shares["child_headed"] + shares["relative"] else "grandparent"
        if category == "none":
            return "none"
        return "grandparent" if rng.random() < figures.ONE_AWAY_GRANDPARENT_CARE else "parent"

    def _arrange_care(
        self,
        rng: random.Random,
        batch: Batch,
        county: CountyPlan,
        household_id: int,
        children: list[Record],
        *,
        father: Record,
        mother: Record,
        kind: str,
        since: dt.date,
    ) -> None:
        """Grandparents living with the family (always when they care, sometimes otherwise),
        and the care arrangements of each child, starting when the child was left."""
        co_resident = kind == "grandparent" or (kind != "child_headed" and rng.random() < 0.45)
        grandparents = self._grandparents(
            rng, batch, county, father, household_id, co_resident=co_resident
        )
        relative = None
        if kind == "relative":
            sex = "F" if rng.random() < 0.6 else "M"
            family = father["family_name"] if sex == "M" else self._family.draw(rng)
            born = father["date_of_birth"] + _days(rng.uniform(-8, 8))
            relative = self._adult(rng, batch, county, family, sex, "parent", born, None)
        for i, child in enumerate(children):
            for grandparent, relation in grandparents:
                self._relate(batch, child, grandparent, relation)
            started = max(child["date_of_birth"], since)
            if kind == "grandparent":
                for grandparent, _ in grandparents:
                    self._care(batch, child, "grandparent", started, caregiver=grandparent)
            elif kind == "parent":
                at_home = father if child["away_parents"] == "mother" else mother
                self._care(batch, child, "other_parent", started, caregiver=at_home)
            elif kind == "relative" and relative is not None:
                self._relate(batch, child, relative, "aunt" if relative["sex"] == "F" else "uncle")
                self._care(batch, child, "relative", started, caregiver=relative)
            elif kind == "child_headed":
                if i == 0:  # the eldest
                    self._care(batch, child, "self_care", started)
                else:
                    self._care(batch, child, "older_sibling", started, sibling=children[0])
        if kind == "child_headed":
            self.stats["child_headed_households"] += 1
        sole = grandparents[0][0] if kind == "grandparent" and len(grandparents) == 1 else None
        if sole and (self.on - sole["date_of_birth"]).days >= self._elderly_age * 365.25:
            self.stats["elderly_sole_caregiver_households"] += 1

    def _birth_dates(self, rng: random.Random, n: int) -> list[dt.date]:
        """Birth dates of n siblings, eldest first; fewer if they do not fit in 18 years."""
        on = self.on
        earliest = on - relativedelta(years=18) + dt.timedelta(days=2)
        anchor_year = self._birth_years.draw(rng)
        anchor = _between(
            rng, max(dt.date(anchor_year, 1, 1), earliest), min(dt.date(anchor_year, 12, 31), on)
        )
        k = rng.randrange(n)  # the anchor's place among the siblings
        dobs = [anchor]
        twins = n >= 2 and rng.random() < figures.TWIN_HOUSEHOLD_SHARE
        for _ in range(k):
            dobs.insert(0, dobs[0] - dt.timedelta(days=rng.randint(500, 2400)))
        for _ in range(n - 1 - k):
            dobs.append(dobs[-1] + dt.timedelta(days=rng.randint(500, 2400)))
        if twins:
            dobs[-1] = dobs[-2]
            self.stats["twin_pairs"] += 1
        kept = [d for d in dobs if earliest <= d <= on]
        return kept or [anchor]

    def _birth_year_weights(self) -> _Weighted:
        # The first and the last year are partial: weigh them by the part that is in range.
        latest = max(figures.BIRTHS_BY_YEAR)
        share_of_this_year = self.on.timetuple().tm_yday / 366
        part = {self.on.year - 18: 1 - share_of_this_year, self.on.year: share_of_this_year}
        return _Weighted(
            {
                y: figures.BIRTHS_BY_YEAR.get(min(y, latest), figures.BIRTHS_BY_YEAR[latest])
                * part.get(y, 1)
                for y in range(self.on.year - 18, self.on.year + 1)
            }
        )

    # People --------------------------------------------------------------------------------

    def _given_name(self, rng: random.Random, generation: str, sex: str) -> str:
        popular, first, second = _GIVEN[(generation, sex)]
        if rng.random() < 0.6:
            return rng.choice(popular)
        if rng.random() < 0.12:
            return rng.choice(second)
        return rng.choice(first) + rng.choice(second)

    def _other_surname(self, rng: random.Random, surname: str) -> str:
        for _ in range(5):
            other = self._family.draw(rng)
            if other != surname:
                return other
        return other

    def _names(self, family: str, given: str) -> Record:
        family_latin, given_latin, key = person_names(family, given)
        return {
            "family_name": family,
            "given_name": given,
            "family_name_latin": family_latin,
            "given_name_latin": given_latin,
            "latin_edited": False,
            "name_key": key,
        }

    def _national_id(self, rng: random.Random, region: str, born: dt.date, sex: str) -> str:
        """A resident ID number: region, birth date, a serial whose parity gives the sex, and
        the check character. Serials are unique per region, date and sex."""
        key = (region, born, sex)
        n = self._serials.get(key)
        if n is None:
            n = rng.randrange(400)
        self._serials[key] = n + 1
        serial = (n % 500) * 2 + (1 if sex == "M" else 0)
        first17 = f"{region}{born:%Y%m%d}{serial:03d}"
        return first17 + cn_resident_id_check_char(first17)

    def _region_for(self, county: CountyPlan, born: dt.date) -> str:
        # Older residents of a county whose code is younger than they are carry the demo
        # county's code (always valid), as if registered there.
        if region_code_valid(county.region, born.year):
            return county.region
        return DEMO_COUNTY_CODE

    def _phone(self, rng: random.Random) -> str:
        return f"+86{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"

    def _adult(
        self,
        rng: random.Random,
        batch: Batch,
        county: CountyPlan,
        family: str,
        sex: str,
        generation: str,
        born: dt.date,
        household_id: int | None,
    ) -> Record:
        is_elder = generation == "elder"
        adult = {
            "id": next(self._ids["adults"]),
            **self._names(family, self._given_name(rng, generation, sex)),
            "sex": sex,
            "national_id": "",
            "household_id": household_id,
            "date_of_birth": born,
            "is_alive": True,
            "died_on": None,
            "phone": "",
            "literacy": "",
            "health_limits": "",
        }
        if rng.random() < figures.ADULT_ID_SHARE:
            adult["national_id"] = self._national_id(rng, self._region_for(county, born), born, sex)
        phone_share = figures.GRANDPARENT_PHONE_SHARE if is_elder else figures.PARENT_PHONE_SHARE
        if rng.random() < phone_share:
            adult["phone"] = self._phone(rng)
        if is_elder:
            r = rng.random()
            never = figures.GRANDPARENT_NEVER_SCHOOLED[sex]
            adult["literacy"] = (
                "none" if r < never else "limited" if r < never + 0.4 else "literate"
            )
            r = rng.random()
            adult["health_limits"] = "severe" if r < 0.07 else "some" if r < 0.3 else "none"
        batch.adults.append(adult)
        self.stats["adults"] += 1
        return adult

    def _grandparents(
        self,
        rng: random.Random,
        batch: Batch,
        county: CountyPlan,
        father: Record,
        household_id: int,
        *,
        co_resident: bool,
    ) -> list[tuple[Record, str]]:
        """Paternal grandparents living in the household: both, or one of them."""
        if not co_resident:
            return []
        surname = father["family_name"]
        grandfather_born = father["date_of_birth"] - _days(rng.uniform(21, 32))
        grandmother_born = grandfather_born + _days(rng.uniform(-1, 5))
        r = rng.random()
        who = ["M", "F"] if r < 0.65 else ["F"] if r < 0.9 else ["M"]
        people = []
        for sex in who:
            if sex == "M":
                gp = self._adult(
                    rng, batch, county, surname, "M", "elder", grandfather_born, household_id
                )
                people.append((gp, "grandfather"))
            else:
                family = self._other_surname(rng, surname)
                gp = self._adult(
                    rng, batch, county, family, "F", "elder", grandmother_born, household_id
                )
                people.append((gp, "grandmother"))
        return people

    def _child(
        self,
        rng: random.Random,
        batch: Batch,
        county: CountyPlan,
        township: TownshipPlan,
        village: VillagePlan,
        surname: str,
        mother: Record,
        born: dt.date,
        household_id: int,
        siblings: set[str],
    ) -> Record:
        sex = "M" if rng.random() < figures.BOY_SHARE else "F"
        family = surname if rng.random() < 0.96 else mother["family_name"]
        given = self._given_name(rng, "child", sex)
        for _ in range(5):
            if given not in siblings:
                break
            given = self._given_name(rng, "child", sex)
        school_id, grade = self._schooling(rng, county, township, born)
        child = {
            "id": next(self._ids["children"]),
            **self._names(family, given),
            "sex": sex,
            "national_id": "",
            "household_id": household_id,
            "date_of_birth": born,
            "dob_estimated": False,
            "home_village_id": village.id,
            "school_id": school_id,
            "grade": grade,
            "functioning": self._functioning(rng, born),
        }
        if rng.random() < figures.CHILD_ID_SHARE:
            child["national_id"] = self._national_id(rng, county.region, born, sex)
        batch.children.append(child)
        self.stats["children"] += 1
        return child

    def _schooling(
        self, rng: random.Random, county: CountyPlan, township: TownshipPlan, born: dt.date
    ) -> tuple[int | None, str]:
        start = self._school_year_start
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        grade = age - 5  # a child who is 6 by 1 September starts grade 1
        if 1 <= grade <= 6 and rng.random() < 0.97:
            return township.primary_school_id, str(grade)
        if 7 <= grade <= 9 and rng.random() < 0.95:
            return county.middle_school_id, str(grade)
        if 10 <= grade <= 12 and rng.random() < 0.65:
            return county.high_school_id, str(grade)
        return None, ""

    def _functioning(self, rng: random.Random, born: dt.date) -> dict[str, str]:
        if (self.on - born).days < 2 * 365 or rng.random() >= 0.03:
            return {}
        domains = ["seeing", "hearing", "walking", "communication", "learning", "behaviour"]
        if (self.on - born).days >= 5 * 365:
            domains += ["self_care", "concentrating", "making_friends", "anxiety", "depression"]
        return {rng.choice(domains): "a_lot" if rng.random() < 0.3 else "some"}

    # Migration and care --------------------------------------------------------------------

    def _episode(
        self,
        rng: random.Random,
        batch: Batch,
        adult: Record,
        departed: dt.date,
        returned: dt.date | None,
    ) -> Record:
        if rng.random() < figures.ABROAD_SHARE:
            country, place = self._abroad.draw(rng)
            scope = "international"
            r = rng.random()
            legal = "regular" if r < 0.7 else "irregular" if r < 0.75 else "unknown"
        else:
            country, place, scope, legal = "CN", self._internal.draw(rng), "internal", ""
        r = rng.random()
        pattern = "long_term" if r < 0.55 else "circular" if r < 0.9 else "seasonal"
        expected = None
        if returned is None and pattern != "long_term" and rng.random() < 0.6:
            expected = self.on + dt.timedelta(days=rng.randint(30, 400))
        episode = {
            "id": next(self._ids["migrations"]),
            "adult_id": adult["id"],
            "departed_on": departed,
            "destination_country": country,
            "destination_place": place,
            "scope": scope,
            "purpose": "work" if rng.random() < 0.97 else "other",
            "pattern": pattern,
            "legal_status": legal,
            "expected_return_on": expected,
            "returned_on": returned,
        }
        batch.migrations.append(episode)
        self.stats["migrations"] += 1
        self.stats["migrations_abroad"] += scope == "international"
        return episode

    def _away(self, rng: random.Random, batch: Batch, parent: Record, youngest: dt.date) -> Record:
        """The parent's open episode, and sometimes an earlier one they came back from. It began
        no earlier than the youngest child's pregnancy (a father often leaves before a birth)."""
        on = self.on
        if rng.random() < figures.RECENT_DEPARTURE_SHARE:
            departed = on - dt.timedelta(days=rng.randint(14, 175))
        else:
            departed = on - dt.timedelta(days=round(rng.triangular(6, 108, 24) * 30.44))
        departed = min(max(departed, youngest - dt.timedelta(days=270)), on)
        if rng.random() < figures.CIRCULAR_REPEAT_SHARE:
            came_back = departed - dt.timedelta(days=rng.randint(60, 700))
            self._episode(
                rng, batch, parent, came_back - dt.timedelta(days=rng.randint(180, 1500)), came_back
            )
        return self._episode(rng, batch, parent, departed, None)

    def _returned(self, rng: random.Random, batch: Batch, parent: Record) -> None:
        """A parent at home who had worked away and came back."""
        on = self.on
        departed = on - dt.timedelta(days=rng.randint(2 * 365, 9 * 365))
        returned = min(departed + dt.timedelta(days=rng.randint(180, 5 * 365)), on)
        returned = min(returned, on - dt.timedelta(days=7))
        self._episode(rng, batch, parent, departed, returned)
        self.stats["returned_parents"] += 1

    def _relate(self, batch: Batch, child: Record, adult: Record, kind: str) -> None:
        batch.relationships.append(
            {
                "id": next(self._ids["relationships"]),
                "child_id": child["id"],
                "adult_id": adult["id"],
                "kind": kind,
            }
        )

    def _care(
        self,
        batch: Batch,
        child: Record,
        kind: str,
        started: dt.date,
        *,
        caregiver: Record | None = None,
        sibling: Record | None = None,
    ) -> None:
        batch.care.append(
            {
                "id": next(self._ids["care"]),
                "child_id": child["id"],
                "kind": kind,
                "caregiver_id": caregiver["id"] if caregiver else None,
                "caregiver_child_id": sibling["id"] if sibling else None,
                "started_on": started,
                "ended_on": None,
            }
        )
        self.stats["care_arrangements"] += 1

    def _reference(self, rng: random.Random) -> str:
        # Random, like registry.services' references: it says nothing about the family.
        while True:
            reference = f"H{rng.getrandbits(40):010X}"
            if reference not in self._references:
                self._references.add(reference)
                return reference
