"""独居老人水电表预警: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.eldercare"


class EldercareConfig(ProgrammeConfig):
    name = HERE
    label = "eldercare"
    verbose_name = "独居老人水电表预警"
    order = 10
