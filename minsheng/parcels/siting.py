"""物流布点: choose p stations among candidate villages, proven optimal (HiGHS).

p-median (ReVelle–Swain): minimise the parcel-km from every village to its station, weighted
by its daily parcels (down + up), with exactly p stations open. With `capacity`, the
single-source capacitated version: each station handles at most that many parcels a day.
"""

from __future__ import annotations

import time
from typing import Any

import highspy
import numpy as np

from minsheng.parcels.chains import PlanError, new_highs
from minsheng.parcels.instance import Point, road_km


def site(
    villages: list[tuple[Point, int]],
    p: int,
    *,
    detour: float = 1.0,
    capacity: int | None = None,
    candidates: list[str] | None = None,
    gap: float = 1e-4,
    time_limit: float = 60.0,
) -> dict[str, Any]:
    """`villages` are (point, daily parcels); returns the open stations and the assignment."""
    started, cpu = time.perf_counter(), time.process_time()
    n = len(villages)
    if n == 0:
        raise PlanError("没有村，无从布点")
    cand = [i for i, (v, _w) in enumerate(villages) if candidates is None or v.id in candidates]
    if not 1 <= p <= len(cand):
        raise PlanError(f"驿站数 p 应在 1 到 {len(cand)}（候选村数）之间，现为 {p}")
    w = np.array([max(0, q) for _v, q in villages], dtype=float)
    if capacity is not None and capacity * p < w.sum():
        raise PlanError(f"{p} 个驿站每个日处理 {capacity} 件，装不下每日 {int(w.sum())} 件")
    d = np.array(
        [[road_km(villages[i][0], villages[j][0], detour) for j in cand] for i in range(n)]
    )
    m = len(cand)
    if capacity is None:
        return _finish(
            villages,
            cand,
            d,
            w,
            p,
            capacity,
            started,
            cpu,
            *_p_median(d, w, p, gap=gap, time_limit=time_limit),
        )
    h = new_highs()
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", 0)
    # columns: y_j (m), then x_ij (n·m, row-major)
    nx = n * m
    cost = np.concatenate([np.zeros(m), (w[:, None] * d).ravel()])
    h.addVars(m + nx, np.zeros(m + nx), np.ones(m + nx))
    h.changeColsCost(m + nx, np.arange(m + nx, dtype=np.int32), cost)
    integer = np.arange(m if capacity is None else m + nx, dtype=np.int32)
    h.changeColsIntegrality(
        len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger)
    )
    x = (m + np.arange(nx)).reshape(n, m)
    # Σ_j x_ij = 1
    h.addRows(
        n,
        np.ones(n),
        np.ones(n),
        nx,
        (np.arange(n) * m).astype(np.int32),
        x.ravel().astype(np.int32),
        np.ones(nx),
    )
    # x_ij ≤ y_j
    idx = np.stack([x.ravel(), np.tile(np.arange(m), n)], axis=1).ravel().astype(np.int32)
    val = np.tile([1.0, -1.0], nx)
    h.addRows(
        nx,
        np.full(nx, -np.inf),
        np.zeros(nx),
        2 * nx,
        np.arange(0, 2 * nx, 2, dtype=np.int32),
        idx,
        val,
    )
    # Σ y_j = p
    h.addRow(p, p, m, np.arange(m, dtype=np.int32), np.ones(m))
    if capacity is not None:
        # Σ_i w_i x_ij ≤ C y_j
        for j in range(m):
            cols = np.concatenate([x[:, j], [j]]).astype(np.int32)
            h.addRow(-np.inf, 0.0, n + 1, cols, np.concatenate([w, [-float(capacity)]]))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise PlanError("无可行布点：驿站能力不足以服务所有村")
    if info.primal_solution_status != 2:
        raise PlanError(f"求解器在 {time_limit:g} 秒内没有找到布点方案")
    sol = np.array(h.getSolution().col_value)
    opened = [j for j in range(m) if sol[j] > 0.5]
    xs = sol[m:].reshape(n, m)
    chosen = [int(np.argmax(xs[i])) for i in range(n)]
    proven = status == highspy.HighsModelStatus.kOptimal
    return _finish(
        villages,
        cand,
        d,
        w,
        p,
        capacity,
        started,
        cpu,
        opened,
        chosen,
        proven,
        float(info.mip_gap),
        1,
    )


def _p_median(
    d: np.ndarray, w: np.ndarray, p: int, *, gap: float, time_limit: float, first: int = 12
) -> tuple[list[int], list[int], bool, float, int]:
    """Uncapacitated p-median, exactly, on each village's k nearest candidates only.

    Each village may also be "far" at the cost of its (k+1)-th nearest candidate: a relaxation,
    so its optimum is a lower bound. When no village is far the relaxed optimum is feasible and
    therefore optimal; otherwise k doubles for the far villages and it is solved again.
    """
    n, m = d.shape
    order = np.argsort(d, axis=1, kind="stable")
    k = np.full(n, min(first, m))
    deadline = time.perf_counter() + time_limit
    rounds = 0
    while True:
        rounds += 1
        h = new_highs()
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("time_limit", max(1.0, deadline - time.perf_counter()))
        h.setOptionValue("random_seed", 0)
        h.addVars(m, np.zeros(m), np.ones(m))
        h.changeColsIntegrality(
            m, np.arange(m, dtype=np.int32), np.full(m, highspy.HighsVarType.kInteger)
        )
        cols: list[tuple[int, int]] = []  # (village, candidate) per x column; -1: far
        costs: list[float] = []
        for i in range(n):
            for j in order[i, : k[i]]:
                cols.append((i, int(j)))
                costs.append(w[i] * d[i, j])
            if k[i] < m:
                cols.append((i, -1))
                costs.append(w[i] * d[i, order[i, k[i]]])
        nx = len(cols)
        h.addVars(nx, np.zeros(nx), np.ones(nx))
        h.changeColsCost(nx, np.arange(m, m + nx, dtype=np.int32), np.array(costs))
        village = np.array([c[0] for c in cols])
        starts = np.searchsorted(village, np.arange(n)).astype(np.int32)
        h.addRows(
            n, np.ones(n), np.ones(n), nx, starts, np.arange(m, m + nx, dtype=np.int32), np.ones(nx)
        )
        links = [(m + c, j) for c, (_i, j) in enumerate(cols) if j >= 0]
        nl = len(links)
        h.addRows(
            nl,
            np.full(nl, -np.inf),
            np.zeros(nl),
            2 * nl,
            np.arange(0, 2 * nl, 2, dtype=np.int32),
            np.array(links, dtype=np.int32).ravel(),
            np.tile([1.0, -1.0], nl),
        )
        h.addRow(p, p, m, np.arange(m, dtype=np.int32), np.ones(m))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if info.primal_solution_status != 2:
            raise PlanError(f"求解器在 {time_limit:g} 秒内没有找到布点方案")
        sol = np.array(h.getSolution().col_value)
        opened = [j for j in range(m) if sol[j] > 0.5]
        far = sorted({cols[c][0] for c in range(nx) if cols[c][1] < 0 and sol[m + c] > 1e-6})
        if not far or time.perf_counter() >= deadline:
            open_set = np.array(opened)
            chosen = [int(open_set[np.argmin(d[i, open_set])]) for i in range(n)]
            proven = status == highspy.HighsModelStatus.kOptimal and not far
            return opened, chosen, proven, float(info.mip_gap), rounds
        k[far] = np.minimum(m, 2 * k[far])


def _finish(
    villages: list[tuple[Point, int]],
    cand: list[int],
    d: np.ndarray,
    w: np.ndarray,
    p: int,
    capacity: int | None,
    started: float,
    cpu: float,
    opened: list[int],
    chosen: list[int],
    proven: bool,
    gap: float,
    rounds: int,
) -> dict[str, Any]:
    objective = float(sum(w[i] * d[i, j] for i, j in enumerate(chosen)))
    return {
        "p": p,
        "capacity": capacity,
        "objective": round(objective, 2),
        "parcel_km_per_parcel": round(objective / max(1.0, w.sum()), 3),
        "proven_optimal": proven,
        "gap": gap,
        "rounds": rounds,
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "stations": [villages[cand[j]][0].id for j in opened],
        "assign": {villages[i][0].id: villages[cand[j]][0].id for i, j in enumerate(chosen)},
    }
