"""民生实事与排查整治: a programme above the loop (docs/extending.md)."""

from minsheng.lib.extensions import ProgrammeConfig

HERE = "minsheng.projects"


class ProjectsConfig(ProgrammeConfig):
    name = HERE
    label = "projects"
    verbose_name = "民生实事与排查整治"
    order = 40
