"""Silver labels for the teddy-cup 2020 C messages (not shipped: the data is unlicensed).

The folder has no labelled 附件2; its 附件4 replies name the answering body. The first department
named in a reply's opening 200 characters gives one of the 7 first-level categories of the
published task; replies naming none are dropped. Labels come from the reply, features from the
message only. `python -m minsheng.triage.tests.teddy OUT_DIR` writes train/test/unlabelled CSVs.
"""

import csv
import random
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "teddy-cup-2020-c"
DEPARTMENTS = {
    "城乡建设": [
        "住建",
        "住房和城乡建设",
        "城管",
        "城市管理",
        "规划",
        "自然资源",
        "住房公积金",
        "不动产登记",
        "房屋交易",
        "房产",
    ],
    "环境保护": ["生态环境", "环保局", "环境保护"],
    "交通运输": ["交通运输", "交通局", "交警", "公交", "轨道", "运管", "公路局"],
    "教育文体": ["教育局", "体育局", "教体局", "教育和体育局"],
    "劳动和社会保障": ["人社局", "人力资源和社会保障", "社保", "医保局", "医疗保障", "社会保险"],
    "卫生计生": ["卫健", "卫生健康", "卫计", "卫生局", "计生"],
    "商贸旅游": ["商务局", "市场监管", "市场监督管理", "旅游局", "工商", "文旅", "文化旅游"],
}
TEXT_COLUMNS = ("留言主题", "留言详情")
SEED = 20200
N_TRAIN = 400


def label_of(reply: str) -> str | None:
    """The category of the first department named near the start of the reply, else None."""
    head = reply[:200]
    hits = [
        (head.find(word), category)
        for category, words in DEPARTMENTS.items()
        for word in words
        if word in head
    ]
    return min(hits)[1] if hits else None


def _read(name: str) -> list[dict[str, str]]:
    with (SHARED / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def labelled() -> list[dict[str, str]]:
    rows = []
    for row in _read("fj4_messages_with_replies.csv"):
        category = label_of(row["答复意见"])
        if category:
            rows.append(
                {
                    "id": row["留言编号"],
                    **{c: row[c].strip() for c in TEXT_COLUMNS},
                    "label": category,
                }
            )
    return rows


def split(n_train: int = N_TRAIN, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """A fixed-seed random sample of n_train rows for training; the rest is the test set."""
    rows = labelled()
    random.Random(seed).shuffle(rows)
    return rows[:n_train], rows[n_train:]


def write(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    train, test = split()
    paths = {"train": out / "train.csv", "test": out / "test.csv"}
    for key, rows in (("train", train), ("test", test)):
        with paths[key].open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["id", *TEXT_COLUMNS, "label"])
            writer.writeheader()
            writer.writerows(rows)
    for name in ("fj3_hot_issue_messages.csv", "test_messages_unlabeled.csv"):
        paths[name] = SHARED / name
    return paths


if __name__ == "__main__":
    for key, path in write(Path(sys.argv[1])).items():
        print(key, path)
