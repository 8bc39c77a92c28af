"""客货邮融合: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.parcels"


class ParcelsConfig(ProgrammeConfig):
    name = HERE
    label = "parcels"
    verbose_name = "客货邮融合"
    order = 30
