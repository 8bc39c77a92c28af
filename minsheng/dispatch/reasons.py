"""Why a new ticket waits for a dispatcher instead of being sent on by the rules: the reasons,
as codes that can be counted and sentences a dispatcher reads. Pure: no database."""

from dataclasses import dataclass

NO_PLACE = "no_place"
OUTSIDE_CITY = "outside_city"
AMBIGUOUS_PLACE = "ambiguous_place"
UNCERTAIN_CATEGORY = "uncertain_category"
NO_RULE = "no_rule"
REFUSED = "refused"
# What `triage.places` reports when the words and the point give no single place in the city.
PLACE_PROBLEMS = {
    "outside": OUTSIDE_CITY,
    "ambiguous": AMBIGUOUS_PLACE,
    "conflict": AMBIGUOUS_PLACE,
}
# The words of each reason, in the order the dashboard lists them.
LABELS = {
    NO_PLACE: "未识别出诉求地点",
    OUTSIDE_CITY: "地点不在本市范围",
    AMBIGUOUS_PLACE: "地点有多个候选街道",
    UNCERTAIN_CATEGORY: "分类不确定",
    NO_RULE: "没有匹配的派单规则",
    REFUSED: "派单未成功",
}


@dataclass(frozen=True)
class Waiting:
    """A reason with what the dispatcher needs to act on it at once."""

    code: str
    detail: str = ""
    candidates: tuple[tuple[str, float], ...] = ()  # the classifier's top guesses (name, p)

    @property
    def sentence(self) -> str:
        words = LABELS[self.code]
        if self.candidates:
            guesses = "、".join(f"{name} {p:.0%}" for name, p in self.candidates)
            words = f"{words}（分类器前三：{guesses}）"
        return f"{words}：{self.detail}" if self.detail else words


def why_waiting(
    *,
    rule_found: bool,
    unit_found: bool,
    has_place: bool,
    confidence: float,
    threshold: float,
    place_problem: str = "",
) -> str:
    """The code of the first thing that kept the rules from sending the ticket on.

    `place_problem`: what place recognition said when it found no single place in the city
    (OUTSIDE_CITY or AMBIGUOUS_PLACE: two candidate units, or the words and the map point on
    two streets), if anything.
    """
    if not unit_found or not rule_found:
        if place_problem:
            return place_problem
        if not has_place:
            return NO_PLACE
        return NO_RULE
    if confidence < threshold:
        return UNCERTAIN_CATEGORY
    return NO_RULE
