"""The Fuzhou 12345 black-odorous-river requests (unlicensed: read from ../shared, never shipped).

`python -m minsheng.triage.tests.rivers OUT_DIR` writes a fixed-seed 400-row training file and the
rest as the test file (label: request_type), and prints how often the gazetteer finds the
district the authors assigned.
"""

import csv
import json
import random
import sys
from pathlib import Path

from minsheng.triage.gazetteer import Gazetteer

SHARED = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "data"
    / "fuzhou-12345-black-odorous-rivers"
    / "fuzhou_12345_requests_by_district.csv"
)
SEED = 12345


def rows() -> list[dict[str, str]]:
    with SHARED.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(out: Path, n_train: int = 400) -> dict[str, Path]:
    data = rows()
    random.Random(SEED).shuffle(data)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"train": out / "rivers_train.csv", "test": out / "rivers_test.csv"}
    for key, part in (("train", data[:n_train]), ("test", data[n_train:])):
        with paths[key].open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["title", "content", "request_type"])
            writer.writeheader()
            writer.writerows({k: r[k] for k in ("title", "content", "request_type")} for r in part)
    return paths


def districts(g: Gazetteer) -> dict[str, float]:
    """Share of requests where a district is found, and of those, found right."""
    data = rows()
    found = [(g.locate(f"{r['title']} {r['content']}").district, r["district"]) for r in data]
    named = [(f, d) for f, d in found if f]
    return {
        "n": len(data),
        "found": round(len(named) / len(data), 4),
        "right_when_found": round(sum(f == d for f, d in named) / max(len(named), 1), 4),
    }


if __name__ == "__main__":
    from minsheng.triage import divisions

    gazetteer = Gazetteer(city_code="3501")
    gazetteer.add_divisions(divisions.read())
    print(write(Path(sys.argv[1])))
    print(json.dumps(districts(gazetteer.finish()), ensure_ascii=False))
