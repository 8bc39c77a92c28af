"""退役军人事务: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.veterans"


class VeteransConfig(ProgrammeConfig):
    name = HERE
    label = "veterans"
    verbose_name = "退役军人事务"
    order = 70
