"""Military units by normalised name (部队番号比对).

Pure. "中国工农红军第三军团第五师" and "红三军团五师" are the same unit: the army's name is
reduced to its common short form, Chinese numerals become digits, and the name becomes a sequence of
(number, echelon) tokens such as ("3", "军团"), ("5", "师"). Two units agree when their tokens
are equal, overlap when one is a part of the other or they share an echelon and number.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from minsheng.veterans.names import normalise

_ARMIES = (
    ("中国工农红军", "红军"),
    ("工农红军", "红军"),
    ("中国人民解放军", "解放军"),
    ("中国人民志愿军", "志愿军"),
    ("国民革命军第八路军", "八路军"),
    ("第八路军", "八路军"),
    ("新编第四军", "新四军"),
    ("东北抗日联军", "抗联"),
    ("抗日联军", "抗联"),
)
_ECHELONS = (
    "方面军",
    "军团",
    "纵队",
    "支队",
    "大队",
    "军",
    "师",
    "旅",
    "团",
    "营",
    "连",
    "排",
    "班",
)
_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMERAL = re.compile(r"[〇零一二两三四五六七八九十百]+")
_TOKEN = re.compile(r"第?(\d+)(" + "|".join(_ECHELONS) + ")")

SAME, OVERLAP, DIFFERENT, UNKNOWN = "same", "overlap", "different", "unknown"


@dataclass(frozen=True)
class UnitMatch:
    level: str
    reason: str


def chinese_number(text: str) -> int:
    """三十一 → 31, 一百二十 → 120, 十 → 10."""
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _DIGITS[ch]
    return total + current


@lru_cache(maxsize=1 << 16)
def canonical(unit: str) -> str:
    """The unit's name as compared: short army name, digits, no 第."""
    text = normalise(unit)
    for long, short in _ARMIES:
        text = text.replace(long, short)
    # 八路军 and 新四军 are names, not numbers: keep them out of the numeral rewrite.
    text = text.replace("八路军", "<8RA>").replace("新四军", "<N4A>")
    text = _NUMERAL.sub(lambda m: str(chinese_number(m.group())), text)
    text = text.replace("<8RA>", "八路军").replace("<N4A>", "新四军")
    return text.replace("第", "")


@lru_cache(maxsize=1 << 16)
def tokens(unit: str) -> tuple[tuple[str, str], ...]:
    return tuple(_TOKEN.findall(canonical(unit)))


@lru_cache(maxsize=1 << 16)
def army(unit: str) -> str:
    text = canonical(unit)
    if re.match(r"红\d", text):
        return "红军"
    for name in ("红军", "八路军", "新四军", "解放军", "志愿军", "抗联", "游击队", "赤卫队"):
        if name in text:
            return name
    return ""


@lru_cache(maxsize=1 << 16)
def compare(a: str, b: str) -> UnitMatch:
    """Whether two written units are the same, one part of the other, or different."""
    if not a.strip() or not b.strip():
        return UnitMatch(UNKNOWN, "部队番号缺失")
    ca, cb = canonical(a), canonical(b)
    ta, tb = tokens(a), tokens(b)
    if ca == cb or (ta and ta == tb and army(a) == army(b)):
        return UnitMatch(SAME, f"部队一致：{cb}")
    if ta and tb and (set(ta) <= set(tb) or set(tb) <= set(ta)):
        return UnitMatch(OVERLAP, f"部队相近：{a}／{b}")
    if (not ta or not tb) and army(a) and army(a) == army(b):
        return UnitMatch(OVERLAP, f"同属{army(a)}：{a}／{b}")
    if not ta and not tb and (ca in cb or cb in ca):
        return UnitMatch(OVERLAP, f"部队相近：{a}／{b}")
    return UnitMatch(DIFFERENT, f"部队不同：{a}／{b}")
