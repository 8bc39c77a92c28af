"""Triage speed: classifier prediction and retraining, place names in text, points in polygons.

    .venv/bin/python benchmarks/triage_speed.py [--train 100000] [--predict 3000]
        [--texts 50000] [--points 1000000] [--seed 7]

One core (BLAS threads pinned to 1). No database: the same pure modules that `training` and
`suggest` call, fed with the demo city (units, polygons, request templates and catalogue).
Progress goes to stderr; the last stdout line is one JSON object.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("MINSHENG_DEBUG", "1")

import django  # noqa: E402

django.setup()  # training's models are imported, never queried: no database is used

from minsheng.triage import divisions, gazetteer  # noqa: E402
from minsheng.triage.classifier import Classifier  # noqa: E402
from minsheng.triage.polygons import PolygonIndex  # noqa: E402
from minsheng.triage.prior import REQUEST_TYPE_SEEDS, Leaf, catalogue_prior  # noqa: E402

TYPES = list(REQUEST_TYPE_SEEDS)
FILLERS = ["", "请尽快处理。", "谢谢！", "已经反映过多次了。", "希望有关部门重视。"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def demo_city() -> dict:
    return json.loads((ROOT / "minsheng/orgs/data/fuzhou.json").read_text(encoding="utf-8"))


def catalogue() -> list[Leaf]:
    with (ROOT / "minsheng/taxonomy/data/categories.csv").open(encoding="utf-8") as fh:
        return [
            Leaf(r["code"], r["name"], r["group_name"], r["keywords"], r["description"])
            for r in csv.DictReader(fh)
        ]


def requests(n: int, rng: random.Random, city: dict) -> tuple[list[str], list[str], list[str]]:
    """Texts like the demo's: a category's template, a real street and a generated community."""
    texts = json.loads((ROOT / "minsheng/demo/data/texts.json").read_text(encoding="utf-8"))
    codes = [k for k, v in texts.items() if isinstance(v, dict) and v.get("texts")]
    places = [
        (d["name"], s["name"], c["name"])
        for d in city["districts"]
        for s in d["streets"]
        for c in s["communities"]
    ]
    xs, ys, types = [], [], []
    for _ in range(n):
        code = rng.choice(codes)
        district, street, community = rng.choice(places)
        where = rng.choice([f"{district}{street}{community}", community, street, ""])
        text = (
            rng.choice(texts[code]["texts"])
            .replace("{place}", where or community)
            .replace("{road}", rng.choice(texts["roads"]))
            .replace("{days}", str(rng.randint(2, 30)))
        )
        xs.append(text + rng.choice(FILLERS))
        ys.append(code)
        types.append(rng.choice(TYPES))
    return xs, ys, types


def retrain(
    xs: list[str], ys: list[str], types: list[str], leaves: list[Leaf]
) -> tuple[float, float]:
    """training.fit_version: what `train_triage` does once history is read from the database."""
    from minsheng.triage import training

    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        (x, y, t, start + timedelta(minutes=i))
        for i, (x, y, t) in enumerate(zip(xs, ys, types, strict=True))
    ]
    started = time.perf_counter()
    bundle, measured = training.fit_version(rows, leaves)
    seconds = time.perf_counter() - started
    log(f"  held-out macro-F1 {measured['macro_f1']}")
    return seconds, len(pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6


def deployment_gazetteer(city: dict) -> gazetteer.Gazetteer:
    g = gazetteer.Gazetteer(city_code=city["city"]["code"])
    g.add_divisions(divisions.read())
    for d in city["districts"]:
        for s in d["streets"]:
            g.add(gazetteer.Entry(s["code"], s["name"], 4, d["code"], unit=s["code"], local=True))
            for c in s["communities"]:
                g.add(
                    gazetteer.Entry(
                        c["code"],
                        c["name"],
                        gazetteer.COMMUNITY,
                        s["code"],
                        unit=c["code"],
                        local=True,
                    )
                )
    return g.finish()


def polygons(city: dict) -> PolygonIndex:
    rows = []
    for d in city["districts"]:
        rows.append((d["code"], 3, d["boundary"]))
        for s in d["streets"]:
            rows.append((s["code"], 4, s["boundary"]))
            for c in s["communities"]:
                rows.append((c["code"], 5, c["boundary"]))
                rows += [(g["code"], 6, g["boundary"]) for g in c.get("grids", [])]
    return PolygonIndex(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=100_000, help="tickets to retrain on")
    parser.add_argument("--predict", type=int, default=3_000, help="single predictions")
    parser.add_argument("--texts", type=int, default=50_000, help="texts to locate")
    parser.add_argument("--points", type=int, default=1_000_000, help="points to locate")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    city, leaves = demo_city(), catalogue()

    log(f"generating {args.train} requests …")
    xs, ys, types = requests(args.train, rng, city)
    log("retraining (as training.train does) …")
    retrain_seconds, model_megabytes = retrain(xs, ys, types, leaves)
    log(f"  {retrain_seconds:.1f} s")

    model = Classifier().fit(xs[: min(len(xs), 20_000)], ys[:20_000], prior=catalogue_prior(leaves))
    probe, probe_codes, _ = requests(args.predict, random.Random(args.seed + 1), city)
    model.predict(probe[0])
    log(f"predicting {len(probe)} requests one at a time, with explanations …")
    started = time.perf_counter()
    right = sum(
        model.predict(text).label == code for text, code in zip(probe, probe_codes, strict=True)
    )
    predict_per_second = len(probe) / (time.perf_counter() - started)
    started = time.perf_counter()
    model.predict_labels(probe)
    batch_per_second = len(probe) / (time.perf_counter() - started)

    log("building the gazetteer …")
    started = time.perf_counter()
    g = deployment_gazetteer(city)
    gazetteer_build_seconds = time.perf_counter() - started
    texts, _, _ = requests(args.texts, random.Random(args.seed + 2), city)
    log(f"locating {len(texts)} texts …")
    started = time.perf_counter()
    found = sum(1 for text in texts if g.locate(text).code)
    texts_per_second = len(texts) / (time.perf_counter() - started)

    index = polygons(city)
    prng = np.random.default_rng(args.seed)
    lons = prng.uniform(119.15, 119.65, args.points)
    lats = prng.uniform(25.95, 26.20, args.points)
    log(f"locating {args.points} points in {len(index)} polygons …")
    started = time.perf_counter()
    codes = index.locate(lons, lats)
    points_per_second = args.points / (time.perf_counter() - started)

    print(
        json.dumps(
            {
                "predict_per_second": round(predict_per_second, 1),
                "predict_batch_per_second": round(batch_per_second, 1),
                "predict_accuracy_on_probe": round(right / len(probe), 4),
                "retrain_tickets": args.train,
                "retrain_seconds": round(retrain_seconds, 2),
                "model_megabytes": round(model_megabytes, 1),
                "locate_texts_per_second": round(texts_per_second, 1),
                "locate_texts_with_place": round(found / len(texts), 4),
                "gazetteer_build_seconds": round(gazetteer_build_seconds, 2),
                "gazetteer_names": len(g.names),
                "locate_points_per_second": round(points_per_second, 1),
                "locate_points_inside": round(float((codes != "").mean()), 4),
                "polygons": len(index),
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
