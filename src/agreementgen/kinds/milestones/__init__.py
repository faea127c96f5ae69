"""Milepælsplan: the plan's milestones over the whole period (LBF's template is not public)."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.milestones.model import MilestonePlan

KIND = Kind(
    key="milestones",
    pattern="milestones.yaml",
    model=MilestonePlan,
    schema="milestones.schema.json",
    title="Milepælsplan",
    order=30,
    package=__name__,
    reads=("sub_agreement",),  # its milestones name the delaftaler's activities
    own_layout=True,
)
