"""What the public may see of a ticket's timeline: the resident pages and Open311 share it.

Returns, extensions, pauses, chasing and internal notes are the staff's business; no public
event says who acted.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.tickets.names import Action

PUBLIC_LABELS: dict[Action, str | Promise] = {
    Action.RECEIVE: _("已受理诉求"),
    Action.ANSWER: _("已直接答复，办结"),
    Action.DISPATCH: _("已派单至承办单位"),
    Action.ACCEPT: _("承办单位已签收，正在办理"),
    Action.REPLY: _("承办单位已答复"),
    Action.VISIT: _("回访评价"),
    Action.CLOSE: _("已办结"),
    Action.CLOSE_UNRATED: _("已办结（未评价）"),
    Action.REOPEN: _("重新办理"),
    Action.MERGE: _("已与相同问题的工单合并办理"),
    Action.DECLINE: _("不予受理"),
}
# Events whose note is addressed to the resident and may be shown with the label.
PUBLIC_TEXT = frozenset({Action.ANSWER, Action.REPLY, Action.DECLINE})
