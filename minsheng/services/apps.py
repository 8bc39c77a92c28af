"""一件事一次办: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.services"


class ServicesConfig(ProgrammeConfig):
    name = HERE
    label = "services"
    verbose_name = "一件事一次办"
    order = 60
