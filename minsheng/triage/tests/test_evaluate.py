"""`minsheng triage_evaluate` on a CSV written here, and on the real teddy-cup messages."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from minsheng.triage.tests import teddy

ROWS = [
    ("楼下广场舞太吵", "噪音"),
    ("商铺音响噪音扰民", "噪音"),
    ("夜里KTV很吵", "噪音"),
    ("装修噪音影响休息", "噪音"),
    ("小区停水一天", "供水"),
    ("自来水没水了", "供水"),
    ("突然断水没通知", "供水"),
    ("水压太低没水", "供水"),
    ("路面坑洼", "道路"),
    ("人行道砖破损", "道路"),
    ("道路塌陷有坑", "道路"),
    ("马路开裂", "道路"),
]


def _write(
    path: Path, rows: list[tuple[str, str]], *, header: tuple[str, str] = ("text", "label")
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_it_prints_one_json_line_and_writes_predictions(tmp_path: Path, capsys) -> None:
    train = _write(tmp_path / "train.csv", ROWS)
    test = _write(
        tmp_path / "test.csv",
        [("晚上广场舞噪音", "噪音"), ("今天停水", "供水"), ("路面有个坑", "道路")],
    )
    unlabeled = _write(tmp_path / "u.csv", [("又停水了", ""), ("广场舞", "")])
    taxonomy = _write(
        tmp_path / "t.csv",
        [("噪音", "社会生活噪音"), ("供水", "停水 水压")],
        header=("一级", "二级"),
    )
    out = tmp_path / "pred.csv"
    call_command(
        "triage_evaluate",
        "--train",
        train,
        "--test",
        test,
        "--text-columns",
        "text",
        "--label-column",
        "label",
        "--unlabeled",
        unlabeled,
        "--taxonomy",
        taxonomy,
        "--self-training",
        "1",
        "--predictions-out",
        out,
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {
        "macro_f1",
        "accuracy",
        "n_train",
        "n_test",
        "fit_seconds",
        "predict_per_second",
    } <= set(result)
    assert (result["n_train"], result["n_test"], result["n_unlabeled"]) == (12, 3, 2)
    assert result["macro_f1"] == 1.0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["text", "label", "predicted"]
    assert [r[-1] for r in rows[1:]] == ["噪音", "供水", "道路"]


def test_a_missing_column_or_file_is_a_clear_error(tmp_path: Path) -> None:
    train = _write(tmp_path / "train.csv", ROWS)
    with pytest.raises(CommandError, match="missing column"):
        call_command(
            "triage_evaluate",
            "--train",
            train,
            "--test",
            train,
            "--text-columns",
            "body",
            "--label-column",
            "label",
        )
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "triage_evaluate",
            "--train",
            tmp_path / "nope.csv",
            "--test",
            train,
            "--text-columns",
            "text",
            "--label-column",
            "label",
        )


@pytest.mark.shared_data
def test_the_real_petition_messages_with_400_training_examples(tmp_path: Path, capsys) -> None:
    if not teddy.SHARED.is_dir():
        pytest.skip(f"needs the teddy-cup data in {teddy.SHARED} (../shared is absent)")
    paths = teddy.write(tmp_path)
    call_command(
        "triage_evaluate",
        "--train",
        paths["train"],
        "--test",
        paths["test"],
        "--text-columns",
        "留言主题,留言详情",
        "--label-column",
        "label",
        "--taxonomy",
        teddy.SHARED / "fj1_label_taxonomy.csv",
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n_train"] == 400
    # Measured 0.63 (docs/triage.md); a loose floor so that a library update does not flake.
    assert result["macro_f1"] > 0.5
    assert result["accuracy"] > 0.7


def test_with_no_labelled_rows_the_category_tree_alone_predicts(tmp_path: Path, capsys) -> None:
    empty = _write(tmp_path / "empty.csv", [])
    test = _write(tmp_path / "test.csv", [("楼下跳广场舞噪音太大", "噪音"), ("家里停水了", "供水")])
    taxonomy = _write(
        tmp_path / "t.csv",
        [("噪音", "广场舞 噪音 扰民"), ("供水", "停水 没水 自来水"), ("道路", "坑洼 破损")],
        header=("一级", "二级"),
    )
    call_command(
        "triage_evaluate",
        "--train",
        empty,
        "--test",
        test,
        "--text-columns",
        "text",
        "--label-column",
        "label",
        "--taxonomy",
        taxonomy,
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (result["n_train"], result["accuracy"]) == (0, 1.0)


def test_with_folds_it_cross_validates_over_both_files(tmp_path: Path, capsys) -> None:
    train = _write(tmp_path / "train.csv", ROWS)
    test = _write(
        tmp_path / "test.csv",
        [("晚上广场舞噪音", "噪音"), ("今天停水", "供水"), ("路面有个坑", "道路")],
    )
    args = ["--text-columns", "text", "--label-column", "label", "--topics", "0"]
    call_command(
        "triage_evaluate", "--train", train, "--test", test, *args, "--folds", "3", "--seeds", "2"
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (result["n"], result["folds"], result["seeds"]) == (15, 3, 2)
    assert len(result["scores"]) == 6  # every split scored, none picked
    assert result["min"] <= result["macro_f1"] <= result["max"]
    assert result["macro_f1"] > 0.5  # three easy classes, well above chance (0.33)


def test_a_cold_start_split_keeps_only_the_labels_asked_for() -> None:
    from minsheng.triage import evaluation

    texts, labels = [t for t, _ in ROWS], [y for _, y in ROWS]
    found = evaluation.cross_validate(
        texts,
        labels,
        options=None,
        folds=2,
        seeds=1,
        cold_labels=3,
        prior={"噪音": ["噪音扰民"], "供水": ["停水"], "道路": ["道路坑洼"]},
    )
    assert found["cold_labels"] == 3
    assert len(found["scores"]) == 2
    rng = np.random.default_rng(0)
    picked = evaluation.stratified_sample(labels, 6, rng)
    assert sorted(labels[i] for i in picked) == ["供水"] * 2 + ["噪音"] * 2 + ["道路"] * 2
