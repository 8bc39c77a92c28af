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
    assign = {villages[i][0].id: villages[cand[int(np.argmax(xs[i]))]][0].id for i in range(n)}
    objective = float(sum(w[i] * d[i, int(np.argmax(xs[i]))] for i in range(n)))
    return {
        "p": p,
        "capacity": capacity,
        "objective": round(objective, 2),
        "parcel_km_per_parcel": round(objective / max(1.0, w.sum()), 3),
        "proven_optimal": status == highspy.HighsModelStatus.kOptimal,
        "gap": float(info.mip_gap),
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "stations": [villages[cand[j]][0].id for j in opened],
        "assign": assign,
    }
