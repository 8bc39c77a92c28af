"""Every action on a ticket, declared once: its label, who may take it and from which statuses,
where it leads, the workflow function that takes it, and the fields it asks for.

Everything else is derived from this list: the transition table (`transitions.TRANSITIONS`),
the staff ticket page's forms (`desk.forms`), the native API's bodies and endpoints
(`api.actions`), the labels on timelines. Adding an action is one `Command` here and its
function in `tickets.workflow`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from minsheng.tickets.names import OPEN_STATUSES, Action, Status

MAX_TEXT = 4000
S = Status
# Roles: agent, dispatcher, supervisor (the 12345 centre); handler, leader (of the main unit);
# cohandler (of a co-handling unit); resident; system (scheduled jobs, the resident's own rating).
ANYONE_ON_THE_TICKET = ("agent", "dispatcher", "supervisor", "handler", "leader", "cohandler")
RECEIVE_ROLES = frozenset({"agent", "dispatcher", "supervisor", "resident", "system"})
CLOCK = (S.DISPATCHED, S.ACCEPTED)


@dataclass(frozen=True)
class Field:
    """One value an action asks for.

    `kind` says what it holds and so how each surface asks for it: text, unit, units, category,
    when (a date and time), ticket (a number), member (a username), satisfaction, flag, file.
    """

    name: str  # the form field and the API body key
    kind: str
    label: Any
    required: bool = True
    limit: int = MAX_TEXT
    rows: int = 3
    arg: str = ""  # the workflow function's keyword, when it is not `name`
    help: Any = ""
    screen: bool = True  # asked on the staff ticket page
    api: bool = True  # asked in the API body

    @property
    def keyword(self) -> str:
        return self.arg or self.name


@dataclass(frozen=True)
class Command:
    action: Action
    label: Any
    sources: tuple[Status, ...]
    target: Status | None  # None: the status stays
    roles: tuple[str, ...]
    # The function of tickets.workflow that takes the action; None when only the platform takes
    # it (receiving through intake, the deadline scan).
    function: str | None = None
    fields: tuple[Field, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)  # further keywords of the function
    screen: bool = True  # offered as a form on the staff ticket page
    danger: bool = False  # shown as a destructive choice
    api_path: str | None = None  # POST /api/v1/tickets/{number}/<api_path>
    api_summary: Any = ""
    # Commands sharing an api_path are told apart by one boolean of the body: (name, value).
    api_choice: tuple[str, bool] | None = None


def _text(name: str, label: Any, **options: Any) -> Field:
    return Field(name, "text", label, **options)


def _note(label: Any = None, *, required: bool = False, rows: int = 2) -> Field:
    return _text("note", label or _("说明"), required=required, rows=rows)


_API_NOTE = _text("note", _("说明"), required=False, screen=False)

COMMANDS: tuple[Command, ...] = (
    Command(Action.RECEIVE, _("受理"), (), S.RECEIVED, tuple(RECEIVE_ROLES), screen=False),
    Command(
        Action.ANSWER, _("直接办结"), (S.RECEIVED,), S.CLOSED, ("agent", "dispatcher"),
        "answer", (_text("text", _("答复内容"), rows=5),),
        api_path="answer", api_summary=_("直接办结（咨询）"),
    ),
    Command(
        Action.DISPATCH, _("派单"), (S.RECEIVED, S.RETURNED), S.DISPATCHED,
        ("dispatcher", "system"), "dispatch",
        (
            Field("unit", "unit", _("承办单位"), arg="to"),
            Field(
                "cohandlers", "units", _("协办单位"), required=False,
                help=_("按住 Ctrl 可多选；不需要协办请留空。"),
            ),
            Field("category", "category", _("改正分类"), required=False),
            _text("note", _("派单说明"), required=False),
        ),
        api_path="dispatch", api_summary=_("派单"),
    ),
    # The dispatch rules could not send a new ticket on: why, for the dispatcher and the counts.
    Command(
        Action.HOLD, _("待人工派单"), (S.RECEIVED, S.RETURNED), None, ("system",), screen=False
    ),
    Command(
        Action.ADD_COHANDLER, _("增派协办"), CLOCK, None, ("dispatcher", "leader"),
        "add_cohandler", (Field("unit", "unit", _("协办单位")), _note()),
        api_path="cohandlers", api_summary=_("增派协办（吹哨报到）"),
    ),
    Command(
        Action.ACCEPT, _("签收"), (S.DISPATCHED,), S.ACCEPTED, ("handler", "leader"),
        "accept", (_API_NOTE,), api_path="accept", api_summary=_("签收"),
    ),
    Command(
        Action.RETURN, _("退单"), (S.DISPATCHED,), S.RETURNED, ("handler", "leader"),
        "send_back", (_text("reason", _("退单理由")),), danger=True,
        api_path="return", api_summary=_("退单"),
    ),
    Command(
        Action.REJECT_RETURN, _("驳回退单"), (S.RETURNED,), S.DISPATCHED, ("dispatcher",),
        "reject_return", (_text("note", _("驳回理由")),),
        api_path="reject-return", api_summary=_("驳回退单"),
    ),
    Command(
        Action.REQUEST_EXTENSION, _("申请延期"), (S.ACCEPTED,), None, ("handler", "leader"),
        "request_extension",
        (Field("until", "when", _("申请延至")), _text("reason", _("延期理由"), limit=1000)),
        api_path="extension-request", api_summary=_("申请延期"),
    ),
    Command(
        Action.APPROVE_EXTENSION, _("批准延期"), (S.ACCEPTED,), None, ("dispatcher", "supervisor"),
        "decide_extension", (_note(_("审批意见")),), fixed={"approve": True},
        api_path="extension-decision", api_summary=_("审批延期"), api_choice=("approve", True),
    ),
    Command(
        Action.REFUSE_EXTENSION, _("驳回延期"), (S.ACCEPTED,), None, ("dispatcher", "supervisor"),
        "decide_extension", (_note(_("驳回理由"), required=True),), fixed={"approve": False},
        danger=True,
        api_path="extension-decision", api_summary=_("审批延期"), api_choice=("approve", False),
    ),
    Command(
        Action.PAUSE, _("暂停计时"), (S.ACCEPTED,), None, ("handler", "leader"), "pause",
        (_text("reason", _("暂停理由"), rows=2),), api_path="pause", api_summary=_("暂停计时"),
    ),
    # Where the policy asks for approval (DeadlinePolicy.pause_needs_approval) the unit asks and
    # the centre decides; the clock stops when it approves.
    Command(
        Action.REQUEST_PAUSE, _("申请暂停计时"), (S.ACCEPTED,), None, ("handler", "leader"),
        "request_pause", (_text("reason", _("暂停理由"), rows=2),),
    ),
    Command(
        Action.APPROVE_PAUSE, _("批准暂停计时"), (S.ACCEPTED,), None, ("dispatcher", "supervisor"),
        "decide_pause", (_note(_("审批意见")),), fixed={"approve": True},
    ),
    Command(
        Action.REFUSE_PAUSE, _("驳回暂停计时"), (S.ACCEPTED,), None, ("dispatcher", "supervisor"),
        "decide_pause", (_note(_("驳回理由"), required=True),), fixed={"approve": False},
        danger=True,
    ),
    Command(
        Action.RESUME, _("恢复计时"), (S.ACCEPTED,), None, ("handler", "leader"), "resume",
        (_API_NOTE,), api_path="resume", api_summary=_("恢复计时"),
    ),
    Command(
        Action.REPLY, _("答复"), (S.ACCEPTED,), S.REPLIED, ("handler", "leader"), "reply",
        (_text("text", _("答复内容"), rows=5),), api_path="reply", api_summary=_("答复"),
    ),
    Command(
        # The ticket page and the API take it through feedback's return visit, which also
        # keeps the rating and closes a satisfied ticket (feedback.visits.rate).
        Action.VISIT, _("回访"), (S.REPLIED,), S.VISITED, ("agent", "resident"),
        "record_visit",
        (
            Field("satisfaction", "satisfaction", _("满意度")),
            Field("resolved", "flag", _("问题是否解决")),
            _text("comment", _("评价意见"), required=False, limit=1000, rows=2),
        ),
        api_path="rate", api_summary=_("回访评价"),
    ),
    # The agent called and reached no one (联系不上): counted, and the ticket waits for a retry.
    Command(
        Action.VISIT_UNREACHED, _("联系不上"), (S.REPLIED,), None, ("agent",), "visit_unreached",
        (_note(_("通话情况"), rows=2),),
    ),
    Command(
        Action.CLOSE, _("办结"), (S.VISITED,), S.CLOSED, ("dispatcher", "supervisor", "system"),
        "close", (_note(),), api_path="close", api_summary=_("办结"),
    ),
    Command(
        Action.REOPEN, _("重办"), (S.VISITED,), S.DISPATCHED, ("dispatcher", "supervisor"),
        "reopen", (_text("note", _("重办意见")),), api_path="reopen", api_summary=_("重办"),
    ),
    Command(
        Action.MERGE, _("合并"), (S.RECEIVED, S.RETURNED), S.MERGED, ("dispatcher",), "merge",
        (Field("into", "ticket", _("并入工单编号")), _note()), danger=True,
        api_path="merge", api_summary=_("合并"),
    ),
    Command(
        Action.DECLINE, _("不予受理"), (S.RECEIVED, S.RETURNED), S.DECLINED,
        ("agent", "dispatcher"), "decline",
        (_text("referral", _("告知内容（引导群众的去处）")),), danger=True,
        api_path="decline", api_summary=_("不予受理"),
    ),
    Command(
        Action.NOTE, _("备注"), tuple(OPEN_STATUSES), None, ANYONE_ON_THE_TICKET, "add_note",
        (_text("text", _("备注内容"), rows=2),), api_path="note", api_summary=_("备注"),
    ),
    Command(
        Action.ATTACH, _("上传附件"), tuple(OPEN_STATUSES), None,
        (*ANYONE_ON_THE_TICKET, "resident"), "attach",
        (
            Field(
                "file", "file", _("附件"), arg="upload", api=False,
                help=_("JPEG、PNG、GIF、WebP 图片或 PDF，不超过 10 MB。"),
            ),
        ),
    ),
    Command(
        Action.ASSIGN, _("指定经办人"), CLOCK, None, ("leader", "dispatcher", "system"), "assign",
        (Field("to", "member", _("经办人账号")),), screen=False,
        api_path="assign", api_summary=_("指定经办人"),
    ),
    # The deadline scan chases the unit, then alerts the supervisor (the scan calls
    # workflow.urge/escalate itself); the centre does the same by hand at any time, with a note.
    Command(
        Action.URGE, _("催办"), CLOCK, None, ("system", "supervisor", "dispatcher"),
        "urge_by_hand", (_text("note", _("催办意见"), rows=2),),
        api_path="urge", api_summary=_("催办"),
    ),
    Command(
        Action.ESCALATE, _("督办"), CLOCK, None, ("system", "supervisor"), "escalate_by_hand",
        (_text("note", _("督办意见"), rows=2),), danger=True,
        api_path="escalate", api_summary=_("督办"),
    ),
    # 二次派单: the main unit (a district, a department) passes the ticket down to a unit below
    # it, with a deadline inside its own; it stays the answerable main unit.
    Command(
        Action.DELEGATE, _("二次派单"), CLOCK, None, ("handler", "leader"), "delegate",
        (
            Field("unit", "unit", _("下级承办单位"), arg="to"),
            Field("until", "when", _("下级办理时限"), help=_("须在本单位的办结时限之前。")),
            _note(_("派单说明")),
        ),
        api_path="delegate", api_summary=_("二次派单"),
    ),
    # No rating after the policy's days: closed as "no rating", which assessment counts apart.
    Command(
        Action.CLOSE_UNRATED, _("未评价办结"), (S.REPLIED,), S.CLOSED, ("system",), screen=False
    ),
    Command(
        Action.COHANDLER_ACCEPT, _("协办签收"), CLOCK, None, ("cohandler",), "cohandler_accept"
    ),
    Command(
        Action.COHANDLER_REPLY, _("协办反馈"), CLOCK, None, ("cohandler",), "cohandler_reply",
        (_text("text", _("协办意见")),),
    ),
    Command(
        Action.LEADER_APPROVE_EXTENSION, _("单位同意延期"), (S.ACCEPTED,), None, ("leader",),
        "review_extension", (_note(_("审核意见")),), fixed={"approve": True},
    ),
    Command(
        Action.LEADER_REFUSE_EXTENSION, _("单位驳回延期"), (S.ACCEPTED,), None, ("leader",),
        "review_extension", (_note(_("驳回理由"), required=True),), fixed={"approve": False},
        danger=True,
    ),
)  # fmt: skip

BY_ACTION: dict[str, Command] = {c.action: c for c in COMMANDS}


def label(action: str) -> str:
    """The action's name as people read it (签收, 退单 …); an unknown name as it is."""
    command = BY_ACTION.get(action)
    return str(command.label) if command else action
