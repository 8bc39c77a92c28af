"""基层治理网络: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.community"


class CommunityConfig(ProgrammeConfig):
    name = HERE
    label = "community"
    verbose_name = "基层治理网络"
    order = 50
