"""The national division list shipped in data/divisions.csv.gz (township level, NBS 2023).

`python -m minsheng.triage.divisions SRC_DIR` rewrites the file from modood's CSVs
(data/README.md); `read()` yields (code, name) rows. Parents follow from the code: 2 digits a
province, 4 a city, 6 a county, 9 a township.
"""

import csv
import gzip
import io
import sys
from collections.abc import Iterator
from pathlib import Path

FILE = Path(__file__).resolve().parent / "data" / "divisions.csv.gz"
# City-level placeholders of the NBS list: not place names, never matched.
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def parent_code(code: str) -> str:
    return {9: code[:6], 6: code[:4], 4: code[:2]}.get(len(code), "")


def read(path: Path = FILE) -> Iterator[tuple[str, str]]:
    """(code, name) for every province, city, county and township."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            yield row[0], row[1]


def derive(src: Path, out: Path = FILE) -> int:
    """Write the compact file from modood's provinces/cities/areas/streets CSVs; rows written."""
    rows = []
    for name in ("provinces", "cities", "areas", "streets"):
        with (src / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows += [(r["code"], r["name"]) for r in csv.DictReader(fh)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(sorted(rows))
    # mtime=0 keeps the file byte-identical across runs.
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(buffer.getvalue().encode("utf-8"))
    return len(rows)


if __name__ == "__main__":
    print(derive(Path(sys.argv[1])))
