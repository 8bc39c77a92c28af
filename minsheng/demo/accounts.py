"""The demo's sign-in accounts: one person per role, all with the same documented password.

Besides these, every district, street/township, department and enterprise has a handler account
`u_<编码>` (e.g. `u_350102002` for 鼓西街道), so every dispatched ticket has someone to act on it.
"""

from typing import NamedTuple

DEMO_PASSWORD = "minsheng-demo"  # noqa: S105 - public demo password, printed by `make demo`
UNIT_ACCOUNT_PREFIX = "u_"
UNIT_ACCOUNTS_NOTE = "每个区、街道（乡镇）和部门（企业）另有承办账号 u_<编码>，如 u_350102002。"


class Account(NamedTuple):
    username: str
    name: str  # display name (first_name)
    role_label: str
    unit_name: str
    unit_code: str
    roles: tuple[str, ...]  # orgs.Role values held in the unit; none for the administrator
    superuser: bool = False


CENTRE = ("福州市12345市民服务热线中心", "FZ-12345")
GUDONG = ("鼓东街道", "350102001")

ACCOUNTS: list[Account] = [
    Account("admin", "周管理员", "系统管理员", *CENTRE, (), superuser=True),
    Account("agent", "王话务", "话务员", *CENTRE, ("agent",)),
    Account("dispatcher", "刘派单", "派单员", *CENTRE, ("dispatcher",)),
    Account("supervisor", "赵督办", "督办员", *CENTRE, ("supervisor",)),
    Account("gudong", "李承办", "承办人", *GUDONG, ("handler",)),
    Account("gudong_leader", "陈主任", "单位负责人", *GUDONG, ("leader",)),
    Account("gulou", "黄承办", "承办人", "鼓楼区", "350102", ("handler",)),
    Account("water", "孙水务", "承办人", "福州水务集团有限公司", "FZ-WATER", ("handler",)),
    Account("cgw", "吴城管", "承办人", "福州市城市管理委员会", "FZ-CGW", ("handler",)),
]

# (username, display name, role in Chinese, unit name), as printed for people trying the demo.
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    (a.username, a.name, a.role_label, a.unit_name) for a in ACCOUNTS
]


def unit_username(code: str) -> str:
    return f"{UNIT_ACCOUNT_PREFIX}{code}"


def table() -> str:
    """The accounts as a plain-text table (username / password / role / unit)."""
    rows = [("用户名", "密码", "角色", "单位", "姓名")]
    rows += [(u, DEMO_PASSWORD, role, unit, name) for u, name, role, unit in DEMO_ACCOUNTS]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(r, widths, strict=True)
        ).rstrip()
        for r in rows
    ]
    return "\n".join([*lines, UNIT_ACCOUNTS_NOTE])


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
