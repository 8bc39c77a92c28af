"""What the catalogue already says: pseudo-documents that make a cold start useful.

Pure. Each catalogue leaf yields short texts from its name, group, keywords and description; each
request type a few phrases residents use (咨询: 请问…, 表扬: 感谢…). The classifier trains on
them with a low weight beside real history, and on them alone when there is no history.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REQUEST_TYPE_SEEDS = {
    "consult": [
        "请问",
        "咨询",
        "想了解",
        "怎么办理",
        "如何办理",
        "需要什么材料",
        "在哪里办",
        "是否可以",
        "有没有政策",
        "什么时候",
        "多少钱",
        "怎么申请",
        "请问一下流程",
    ],
    "help": [
        "求助",
        "请帮忙",
        "帮帮我们",
        "急需",
        "困难",
        "没有办法",
        "请尽快",
        "被困",
        "停水了怎么办",
        "老人需要帮助",
        "请派人来",
    ],
    "complaint": [
        "投诉",
        "反映",
        "扰民",
        "严重影响",
        "多次反映无果",
        "不作为",
        "态度恶劣",
        "乱收费",
        "影响休息",
        "一直没人管",
        "强烈不满",
        "噪音很大",
    ],
    "report": [
        "举报",
        "违法",
        "违规",
        "偷排",
        "非法",
        "私自",
        "涉嫌",
        "无证经营",
        "举报违建",
        "偷倒",
        "造假",
    ],
    "suggestion": [
        "建议",
        "希望",
        "能否",
        "可否",
        "增设",
        "增加",
        "优化",
        "改进",
        "提议",
        "呼吁",
        "建议设置",
    ],
    "praise": [
        "表扬",
        "感谢",
        "点赞",
        "锦旗",
        "服务很好",
        "及时解决",
        "非常满意",
        "辛苦了",
        "致谢",
        "谢谢你们",
    ],
}


@dataclass(frozen=True)
class Leaf:
    """A catalogue leaf as the classifier sees it."""

    code: str
    name: str
    group: str = ""
    keywords: str = ""
    description: str = ""


def leaf_documents(leaf: Leaf) -> list[str]:
    """Pseudo-documents for one leaf: its name, each keyword, its description."""
    words = [w.strip() for w in leaf.keywords.split("|") if w.strip()]
    docs = [f"{leaf.group}{leaf.name}", leaf.name, *words]
    docs += [f"{w}{leaf.name}" for w in words]
    if leaf.description:
        docs.append(leaf.description)
        docs.append(f"{leaf.name} {' '.join(words)} {leaf.description}")
    return [d for d in docs if d]


def catalogue_prior(leaves: Iterable[Leaf]) -> dict[str, list[str]]:
    """label (leaf code) -> pseudo-documents."""
    return {leaf.code: leaf_documents(leaf) for leaf in leaves}


def read_taxonomy(path: Path) -> dict[str, list[str]]:
    """A category tree CSV (first column the label, the rest its sub-categories) as a prior.

    For 附件1 of the teddy-cup set: 一级分类 → ["二级 三级", …].
    """
    prior: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        next(rows, None)
        for row in rows:
            if row and row[0].strip():
                text = " ".join(c.strip() for c in row[1:] if c.strip())
                prior.setdefault(row[0].strip(), []).append(text or row[0].strip())
    return prior
