"""防返贫动态监测: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.households"


class HouseholdsConfig(ProgrammeConfig):
    name = HERE
    label = "households"
    verbose_name = "防返贫动态监测"
    order = 20
