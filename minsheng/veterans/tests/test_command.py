"""`minsheng veterans_match`: the CSV formats the issue fixes."""

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command


def test_the_command_writes_ranked_candidates(tmp_path: Path, capsys: Any) -> None:
    records = tmp_path / "R.csv"
    records.write_text(
        "id,name,aliases,native_place,birth_year,death_year,unit,death_place\n"
        "r1,钟德胜,乳名:石伢子;德胜伢,江西省雩都县,1912,1934,红三军团第四师,湖南道县\n"
        "r2,钟德生,,福建省长汀县,,1931,,\n",
        encoding="utf-8",
    )
    requests = tmp_path / "Q.csv"
    requests.write_text(
        "id,ancestor_name,native_place,birth_year,death_year,unit,notes\n"
        "q1,钟得胜,于都县,,1935,红三军团,爷爷的哥哥\nq2,石伢子,江西于都,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "M.csv"
    call_command("veterans_match", records=str(records), requests=str(requests), out=str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["request", "record", "score", "rank"]
    assert [(r["request"], r["record"], r["rank"]) for r in rows[:2]] == [
        ("q1", "r1", "1"),
        ("q1", "r2", "2"),
    ]
    assert float(rows[0]["score"]) > float(rows[1]["score"])
    assert ("q2", "r1", "1") in [(r["request"], r["record"], r["rank"]) for r in rows]
    assert '"requests": 2' in capsys.readouterr().out


def test_a_bad_year_names_the_file_and_line(tmp_path: Path) -> None:
    records = tmp_path / "R.csv"
    records.write_text("id,name,birth_year\nr1,钟德胜,19x\n", encoding="utf-8")
    requests = tmp_path / "Q.csv"
    requests.write_text("id,ancestor_name\nq1,钟德胜\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"R\.csv 第 2 行"):
        call_command(
            "veterans_match",
            records=str(records),
            requests=str(requests),
            out=str(tmp_path / "M.csv"),
        )
