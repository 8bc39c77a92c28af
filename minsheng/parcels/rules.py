"""Which exceptions a day plan raises (pure): the logistics office gets a ticket for each.

- a station at its daily capacity while parcels of its villages are deferred (驿站超能力);
- a flow deferred on this plan and on the previous day's plan too (包裹连续两日延后).
A trip that did not load is reported by staff, not found here.
"""

from __future__ import annotations

from typing import Any

DIRECTION_ZH = {"down": "下行", "up": "上行"}


def incidents_of(
    instance: dict[str, Any], result: dict[str, Any], previous: dict[str, Any] | None
) -> list[tuple[str, str, str]]:
    """(kind, subject, text) for each exception in `result`."""
    station_of = {str(v["id"]): str(v["station"]) for v in instance.get("villages", [])}
    capacity = {str(s["id"]): int(s["capacity"]) for s in instance.get("stations", [])}
    through: dict[str, int] = {}
    deferred_at: dict[str, int] = {}
    for f in result.get("flows", []):
        s = station_of.get(str(f["village"]), "")
        through[s] = through.get(s, 0) + sum(b["parcels"] for b in f["bus"])
        if f["deferred"]:
            deferred_at[s] = deferred_at.get(s, 0) + f["deferred"]
    found: list[tuple[str, str, str]] = []
    for s, n in sorted(deferred_at.items()):
        if s in capacity and through.get(s, 0) >= capacity[s]:
            found.append(
                (
                    "station_full",
                    s,
                    f"驿站 {s} 今日经手 {through.get(s, 0)} 件已达日处理能力 {capacity[s]} 件，"
                    f"其服务村仍有 {n} 件延后。请核实能力或加派人手后重排。",
                )
            )
    before = {
        (str(f["village"]), str(f["direction"]))
        for f in (previous or {}).get("flows", [])
        if f["deferred"]
    }
    for f in result.get("flows", []):
        key = (str(f["village"]), str(f["direction"]))
        if f["deferred"] and key in before:
            found.append(
                (
                    "deferred_twice",
                    f"{key[0]}-{key[1]}",
                    f"村 {key[0]} 的{DIRECTION_ZH.get(key[1], key[1])}件连续两日延后"
                    f"（今日 {f['deferred']} 件）。请安排运力。",
                )
            )
    return found
