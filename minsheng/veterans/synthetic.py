"""A generated, realistic test set: martyrs' records and the requests their families make.

Pure and deterministic (a seed). Surnames follow their frequency in China (the 2020 household
register's top 60, as published by the Ministry of Public Security, Jiangxi-weighted order);
given names are drawn from the characters common in men's names of 1890–1935; native places lean
to the old revolutionary base counties (the Central Soviet in Jiangxi and Fujian, 鄂豫皖, 湘鄂赣,
陕北) as the martyrs' rolls do, the rest anywhere in China. Records are written with the place
names of their time (雩都县, 宁冈县, 黄安县 …). A family's request carries the errors families
make: a homophone or near-homophone, a character dropped, a traditional form, today's or the
old county name, years off by one or two, the alias the family knew, the unit forgotten.
"""

import random
from collections import defaultdict

import opencc

from minsheng.veterans import names
from minsheng.veterans.matching import Query, Record
from minsheng.veterans.places import PlaceIndex, Rename

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾"
)
# Weights roughly proportional to the 2020 register's shares (王 7.1%, 李 7.0% … 贾 0.3%).
_SURNAME_WEIGHTS = [
    7.1,
    7.0,
    6.7,
    5.4,
    4.6,
    3.1,
    2.5,
    2.1,
    2.0,
    1.7,
    1.5,
    1.5,
    1.2,
    1.2,
    1.1,
    1.0,
    0.9,
    0.9,
    0.9,
    0.8,
    0.7,
    0.7,
    0.7,
    0.6,
    0.6,
    0.6,
    0.6,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
]
GIVEN = (
    "德明福春有金贵成国华玉海山文生荣祥忠发清林元保兴义永才仁长水庆志世良宝富贤茂恩光炳昌秋汉"
    "正连全善绍桂启洪先振家和广树开俊云景胜泉礼寿松龙学怀道耀新章培宗远楚佐鸿仕达宏顺禄喜进乃"
    "孝传继承敬锦其中建立桃根旺火土木石仔牛狗毛细冬伯仲叔季火凤万"
)
ALIAS_KINDS = ("字", "号", "乳名", "化名")
# Old revolutionary base counties (today's code) and their share of the rolls.
BASES = {
    "360732": 9,
    "360781": 6,
    "360731": 6,
    "360730": 5,
    "360735": 3,
    "360733": 3,
    "360734": 2,
    "360830": 4,
    "360881": 2,
    "3608": 3,
    "360723": 1,
    "350821": 4,
    "350823": 4,
    "350424": 3,
    "421122": 6,
    "421181": 4,
    "411523": 4,
    "341524": 5,
    "430626": 4,
    "430181": 3,
    "430822": 2,
    "610625": 2,
    "610681": 2,
    "610602": 2,
    "140722": 1,
    "230183": 1,
    "220622": 1,
}
BASE_SHARE = 0.7
_S2T = opencc.OpenCC("s2t")
ERAS = ((1927, 1937, 6), (1937, 1945, 2), (1945, 1949, 2), (1950, 1953, 1))


def _units(rng: random.Random, death: int) -> str:
    n = rng.randint
    if death < 1937:
        return rng.choice(
            (
                f"红{_cn(n(1, 8))}军团第{_cn(n(1, 15))}师",
                f"中国工农红军第{_cn(n(1, 30))}军",
                f"红军第{_cn(n(1, 30))}军第{_cn(n(70, 99))}师",
                "赤卫队",
                "地方游击队",
            )
        )
    if death < 1945:
        return rng.choice(
            (f"八路军第{n(115, 129)}师第{n(340, 390)}旅", f"新四军第{_cn(n(1, 4))}支队")
        )
    if death < 1950:
        return f"中国人民解放军第{_cn(n(1, 50))}军第{n(100, 160)}师"
    return f"中国人民志愿军第{_cn(n(12, 68))}军第{n(30, 210)}师"


def _cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


class Generator:
    """Records and requests from one seed, with places from a PlaceIndex."""

    def __init__(self, places: PlaceIndex, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.places = places
        entries = places.gazetteer.entries
        self.counties = sorted(c for c in entries if len(c) == 6)
        self.townships: dict[str, list[str]] = defaultdict(list)
        for code in entries:
            if len(code) == 9:
                self.townships[code[:6]].append(code)
        self.old_names: dict[str, list[Rename]] = defaultdict(list)
        for rename in places.renames.values():
            if rename.old_name.endswith(("县", "市")) or len(rename.today_code) <= 4:
                self.old_names[rename.today_code].append(rename)
        self.bases = list(BASES)
        self.base_weights = list(BASES.values())
        self.homophones: dict[str, list[str]] = defaultdict(list)
        self.nears: dict[str, list[str]] = defaultdict(list)
        pool = set(
            GIVEN + SURNAMES + "剑健坚鉴见荣容蓉融德得明铭鸣名民敏福富复付春纯国果贵桂华花化"
        )
        for a in pool:
            for b in pool:
                if a != b:
                    kind = names.compare_chars(a, b)
                    if kind == names.HOMOPHONE:
                        self.homophones[a].append(b)
                    elif kind == names.NEAR:
                        self.nears[a].append(b)
        for table in (self.homophones, self.nears):
            for key in table:
                table[key].sort()

    # --- records -------------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS[: len(SURNAMES)])[0]
        size = 1 if rng.random() < 0.2 else 2
        return surname + "".join(rng.choice(GIVEN) for _ in range(size))

    def place_code(self) -> str:
        rng = self.rng
        if rng.random() < BASE_SHARE:
            return rng.choices(self.bases, weights=self.base_weights)[0]
        return rng.choice(self.counties)

    def written_place(self, code: str, *, old: bool) -> str:
        """How a place was written: the old name where there is one, province and township
        sometimes."""
        rng = self.rng
        province = self.places.gazetteer.entries[code[:2]].name
        if len(code) == 4:
            return province + self.places.gazetteer.entries[code].name
        renames = self.old_names.get(code, [])
        county = self.places.gazetteer.entries[code].name
        if old and renames:
            county = rng.choice(renames).old_name
        text = (province if rng.random() < 0.6 else "") + county
        towns = self.townships.get(code)
        if towns and rng.random() < 0.3:
            town = self.places.gazetteer.entries[rng.choice(towns)].name
            if old and town.endswith(("乡", "镇")) and rng.random() < 0.5:
                town = town[:-1] + "公社"
            text += town
        return text

    def record(self, index: int) -> tuple[Record, str]:
        """A record and the code of its native place today."""
        rng = self.rng
        start, end, _ = rng.choices(ERAS, weights=[e[2] for e in ERAS])[0]
        death = rng.randint(start, end)
        birth = death - rng.randint(16, 38)
        code = self.place_code()
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.15:
            kind = rng.choice(ALIAS_KINDS)
            alias = "".join(rng.choice(GIVEN) for _ in range(2))
            aliases = (f"{kind}:{alias}",)
        record = Record(
            id=f"R{index:07d}",
            name=self.name(),
            aliases=aliases,
            native_place=self.written_place(code, old=rng.random() < 0.7),
            birth_year=birth if rng.random() < 0.6 else None,
            death_year=death if rng.random() < 0.95 else None,
            unit=_units(rng, death) if rng.random() < 0.8 else "",
            death_place="",
        )
        return record, code

    # --- requests ------------------------------------------------------------------------

    def misremember(self, name: str) -> str:
        """One of the errors families make with a name, or none."""
        rng = self.rng
        roll = rng.random()
        chars = list(name)
        given = range(1, len(chars))
        if roll < 0.3:
            i = rng.choice(given)
            if self.homophones.get(chars[i]):
                chars[i] = rng.choice(self.homophones[chars[i]])
        elif roll < 0.4:
            i = rng.choice(given)
            if self.nears.get(chars[i]):
                chars[i] = rng.choice(self.nears[chars[i]])
        elif roll < 0.5 and len(chars) == 3:
            del chars[rng.choice(given)]
        elif roll < 0.6:
            return _S2T.convert(name)
        return "".join(chars)

    def request(self, index: int, record: Record, code: str) -> Query:
        rng = self.rng
        alias_names = [n for _, n in names.alias_parts(";".join(record.aliases))]
        if alias_names and rng.random() < 0.5:
            remembered = [alias_names[0]]
        else:
            remembered = [self.misremember(record.name)]
        off = rng.choices((0, 1, 2), weights=(5, 3, 2))[0] * rng.choice((-1, 1))
        death = record.death_year + off if record.death_year and rng.random() < 0.6 else None
        birth = (
            record.birth_year + rng.choice((-1, 0, 1))
            if record.birth_year and rng.random() < 0.3
            else None
        )
        unit = record.unit if record.unit and rng.random() < 0.3 else ""
        if record.unit and not unit and rng.random() < 0.2:
            unit = record.unit.split("第")[0] or record.unit[:4]
        place = self.written_place(code, old=rng.random() < 0.4) if rng.random() < 0.9 else ""
        return Query(f"Q{index:06d}", tuple(remembered), place, birth, death, unit, "")

    def requests(
        self, records: list[Record], codes: list[str], count: int
    ) -> list[tuple[Query, str]]:
        """`count` requests for records drawn at random, each with the id of its true record."""
        picks = self.rng.sample(range(len(records)), min(count, len(records)))
        return [(self.request(n, records[i], codes[i]), records[i].id) for n, i in enumerate(picks)]

    def dataset(self, records: int, requests: int) -> tuple[list[Record], list[tuple[Query, str]]]:
        """`records` records and `requests` requests with their true record's id."""
        pairs = [self.record(i) for i in range(records)]
        made = [r for r, _ in pairs]
        return made, self.requests(made, [c for _, c in pairs], requests)
