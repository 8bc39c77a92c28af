"""Derive the demo city file ``minsheng/orgs/data/fuzhou.json`` from the shared division data.

Districts and streets are real (codes/names: modood 2023; geometry: Vonng/adcode 2016,
converted GCJ-02 -> WGS-84). Street polygons are Voronoi cells of the real town centroids;
communities and grids are generated. Re-running gives byte-identical output.

    .venv/bin/python scripts/derive_fuzhou.py [--shared ../shared/data/china-admin-divisions]
"""

import argparse
import csv
import gzip
import json
import random
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minsheng.lib.geo import gcj02_to_wgs84  # noqa: E402

DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "china-admin-divisions"
OUTPUT = ROOT / "minsheng" / "orgs" / "data" / "fuzhou.json"

CITY = {"code": "3501", "name": "福州市", "prefix": "FZ"}
DISTRICTS = ["350102", "350103", "350104", "350105", "350111"]
COMMUNITIES_PER_STREET = 3
GRIDS_PER_COMMUNITY = 2
DISTRICT_SIMPLIFY = 0.0001  # degrees, about 10 m
GRID_SIZE = 1e-5  # output precision: 5 decimals
SOURCE = (
    "District and street/township codes and names: modood/Administrative-divisions-of-China "
    "(NBS 2023, WTFPL). District boundaries and town centroids: Vonng/adcode (CC BY 4.0), "
    "geometry © AutoNavi via Vonng/adcode, converted GCJ-02 -> WGS-84 and simplified. "
    "Street polygons are Voronoi approximations; communities and grids are generated, not real."
)

_COMMUNITY_STEMS_TEXT = (
    "东湖 温泉 西洪 屏山 湖前 斗池 树兜 乌山 南门 朱紫 达明 南公 双抛 白马 河口 帮洲 排尾 "
    "上杭 下杭 中亭 六一 德政 澳门 国货 达道 马厂 程埔 乐群 施埔 麦园 梅坞 冯宅 象峰 福新 "
    "竹屿 鹤林 桂湖 前横 远洋 凤坂 福光 福兴 金鸡 琴亭 龙峰 甘棠 君竹 快安 儒江 江滨 榕城 "
    "三山 浦上 阳岐 林浦 胪雷 濂江 首山 战坂 斗顶 赤桥 乌石 西湖 左海 湖滨 华林 铜盘 凤湖 "
    "文林 井大 锦江 琼东 琼西 凤池 道山 冶山 光禄 花园 文藻 龙腰 古田 北门 汤井 洪甘 梅峰 "
    "省府 丞相 西禅 洪湾 橘园 金牛 杨桥 闽都 江厝 桥南 义井 龙潭 新村 融侨 仁德 建中 安平 "
    "学府 金港 长乐 紫阳 桂香 泰山 荷泽 茶山 芝山 洋下"
)
COMMUNITY_STEMS = _COMMUNITY_STEMS_TEXT.split()
_VILLAGE_STEMS_TEXT = (
    "前洋 后坂 下洋 溪头 岭头 坑口 洋里 塘下 后山 林坂 厚美 岐头 沙堤 凤岗 桥头 埔头 东岐 "
    "西岐 北溪 樟岚 叶洋 刘宅 陈厝 黄田 郑坑 林厝 高湖 石松 梅洋 竹洋 桃源 莲峰 龙头 虎山 "
    "鹤上 鳌头 柏林 松岭 茶洋 杉洋 溪源 洋边 港头 洲尾 湖头 象山 金峰 玉田 新坡 后屿 前坂 "
    "浦口 江中 岭下 上洋 中洋 下坂 山兜 田垱 洋尾"
)
VILLAGE_STEMS = _VILLAGE_STEMS_TEXT.split()


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file into dicts."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def to_wgs84(geom):
    """Convert a GCJ-02 shapely geometry to WGS-84."""

    def convert(coords: np.ndarray) -> np.ndarray:
        return np.array([gcj02_to_wgs84(x, y) for x, y in coords])

    return shapely.transform(geom, convert)


def polygonal(geom):
    """Keep only the polygonal parts of a geometry, snapped to the output grid."""
    geom = shapely.set_precision(geom, GRID_SIZE)
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    merged = shapely.union_all(parts) if parts else shapely.Polygon()
    return shapely.orient_polygons(merged)


def rounded(coords) -> list:
    """Round a (possibly nested) coordinate sequence to 5 decimals."""
    if isinstance(coords[0], float | int):
        return [round(coords[0], 5), round(coords[1], 5)]
    return [rounded(c) for c in coords]


def geojson(geom) -> dict:
    """Return a GeoJSON geometry dict with rounded coordinates."""
    mapping = shapely.geometry.mapping(geom)
    return {"type": mapping["type"], "coordinates": rounded(mapping["coordinates"])}


def centroid(geom) -> list[float]:
    """Return a rounded point guaranteed to lie inside the geometry."""
    point = geom.representative_point()
    lon, lat = round(point.x, 5), round(point.y, 5)
    if not geom.contains(Point(lon, lat)):
        raise ValueError(f"rounded centroid {lon},{lat} falls outside its polygon")
    return [lon, lat]


def sample_points(
    poly, n: int, rng: random.Random, existing: list[Point], min_dist: float | None = None
) -> list[Point]:
    """Rejection-sample n points inside poly, kept apart from each other and from existing."""
    shapely.prepare(poly)
    minx, miny, maxx, maxy = poly.bounds
    if min_dist is None:
        min_dist = 0.4 * (poly.area / (n + len(existing))) ** 0.5
    chosen: list[Point] = []
    tries = 0
    while len(chosen) < n:
        tries += 1
        if tries % 500 == 0:
            min_dist *= 0.7  # crowded or thin polygon: relax the spacing
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not poly.contains(p):
            continue
        if all(p.distance(q) >= min_dist for q in (*existing, *chosen)):
            chosen.append(p)
    return chosen


def voronoi_cells(points: list[Point], parent) -> list:
    """Voronoi cells of points (in input order) clipped to parent; each must be non-empty."""
    if len(points) == 1:
        return [parent]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=parent, ordered=True)
    result = []
    for point, cell in zip(points, shapely.get_parts(cells), strict=True):
        clipped = polygonal(cell.intersection(parent))
        if clipped.is_empty or not clipped.buffer(GRID_SIZE).contains(point):
            raise ValueError(f"empty or misplaced Voronoi cell at {point}")
        result.append(clipped)
    return result


def kind_of(name: str) -> str:
    """Township when the name ends in 镇 or 乡, else street."""
    return "township" if name.endswith(("镇", "乡")) else "street"


def strip_suffix(name: str) -> str:
    """Drop the 街道/镇/乡 suffix used to match names across vintages."""
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def pick_names(rng: random.Random, kind: str, used: set[str], n: int) -> list[str]:
    """Pick n community names, unique city-wide while the stem list lasts."""
    stems = VILLAGE_STEMS if kind == "township" else COMMUNITY_STEMS
    suffix = "村" if kind == "township" else "社区"
    fresh = [s for s in stems if s + suffix not in used]
    pool = fresh if len(fresh) >= n else stems
    names = [s + suffix for s in rng.sample(pool, n)]
    used.update(names)
    return names


def load(shared: Path):
    """Load district names, streets, town centroids and fences for the demo districts."""
    areas = {r["code"]: r["name"] for r in read_csv(shared / "modood-2023" / "areas.csv")}
    streets = {code: [] for code in DISTRICTS}
    for row in read_csv(shared / "modood-2023" / "streets.csv"):
        if row["areaCode"] in streets:
            streets[row["areaCode"]].append((row["code"], row["name"]))
    towns = {code: {} for code in DISTRICTS}
    for row in read_csv(shared / "vonng-adcode-2016" / "adcode_country_to_town.csv"):
        if row["level"] == "town" and row["adcode"] in towns and row["longitude"]:
            towns[row["adcode"]][row["name"]] = (float(row["longitude"]), float(row["latitude"]))
    fences = {}
    with gzip.open(shared / "vonng-adcode-2016" / "fences_county.geojson.gz", "rt") as fh:
        for feature in json.load(fh)["features"]:
            if feature["properties"]["adcode"] in streets:
                fences[feature["properties"]["adcode"]] = shape(feature["geometry"])
    return areas, streets, towns, fences


def street_sites(district, streets, towns, report) -> list[Point]:
    """One site per street: its matched 2016 centroid, else a seeded point in the district."""
    shapely.prepare(district)
    min_dist = 0.15 * (district.area / len(streets)) ** 0.5
    by_stem = {strip_suffix(name): xy for name, xy in towns.items()}
    sites: list[Point | None] = []
    for code, name in streets:
        xy = towns.get(name) or by_stem.get(strip_suffix(name))
        point = Point(gcj02_to_wgs84(*xy)) if xy else None
        if point is None:
            report.append(f"{code} {name}: no 2016 centroid, generated")
        elif not district.contains(point):
            report.append(f"{code} {name}: 2016 centroid outside district, generated")
            point = None
        elif any(q is not None and point.distance(q) < min_dist for q in sites):
            # Amap geocoded some towns onto a neighbour's seat; keep them nearby, not on top.
            report.append(f"{code} {name}: 2016 centroid duplicates a neighbour, moved nearby")
            point = point.buffer(4 * min_dist).intersection(district)
        sites.append(point)
    for i, (code, _name) in enumerate(streets):
        if sites[i] is None or sites[i].geom_type != "Point":
            area = district if sites[i] is None else sites[i]
            placed = [p for p in sites if p is not None and p.geom_type == "Point"]
            sites[i] = sample_points(area, 1, random.Random(f"fuzhou:{code}"), placed, min_dist)[0]
    return sites


def build(shared: Path, report: list[str]) -> dict:
    """Build the whole city tree."""
    areas, streets, towns, fences = load(shared)
    used_names: set[str] = set()
    districts = []
    for dcode in DISTRICTS:
        district = to_wgs84(fences[dcode]).simplify(DISTRICT_SIMPLIFY, preserve_topology=True)
        district = polygonal(shapely.make_valid(district))
        sites = street_sites(district, streets[dcode], towns[dcode], report)
        street_items = []
        for (scode, sname), cell in zip(
            streets[dcode], voronoi_cells(sites, district), strict=True
        ):
            kind = kind_of(sname)
            rng = random.Random(f"fuzhou:{scode}:communities")
            names = pick_names(rng, kind, used_names, COMMUNITIES_PER_STREET)
            points = sample_points(cell, COMMUNITIES_PER_STREET, rng, [])
            communities = []
            for i, (cname, ccell) in enumerate(
                zip(names, voronoi_cells(points, cell), strict=True), start=1
            ):
                ccode = f"{scode}{i:03d}"
                grng = random.Random(f"fuzhou:{ccode}:grids")
                gpoints = sample_points(ccell, GRIDS_PER_COMMUNITY, grng, [])
                grids = [
                    {
                        "code": f"{ccode}{j:02d}",
                        "name": f"{cname}第{j}网格",
                        "centroid": centroid(gcell),
                        "boundary": geojson(gcell),
                    }
                    for j, gcell in enumerate(voronoi_cells(gpoints, ccell), start=1)
                ]
                communities.append(
                    {
                        "code": ccode,
                        "name": cname,
                        "centroid": centroid(ccell),
                        "boundary": geojson(ccell),
                        "grids": grids,
                    }
                )
            street_items.append(
                {
                    "code": scode,
                    "name": sname,
                    "kind": kind,
                    "centroid": centroid(cell),
                    "boundary": geojson(cell),
                    "communities": communities,
                }
            )
        districts.append(
            {
                "code": dcode,
                "name": areas[dcode],
                "centroid": centroid(district),
                "boundary": geojson(district),
                "streets": street_items,
            }
        )
    return {"source": SOURCE, "city": CITY, "districts": districts}


def main() -> None:
    """Parse arguments, build, and write the JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    report: list[str] = []
    data = build(args.shared, report)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    args.output.write_text(text, encoding="utf-8")
    for line in report:
        print(line)
    counts = ", ".join(f"{d['name']} {len(d['streets'])}" for d in data["districts"])
    print(f"wrote {args.output} ({len(text.encode()):,} bytes); streets: {counts}")


if __name__ == "__main__":
    main()
