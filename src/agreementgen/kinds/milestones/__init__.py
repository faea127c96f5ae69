"""Milepælsplan: the plan's milestones over the whole period (LBF's template is not public)."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.milestones.model import MilestonePlan
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT

KIND = Kind(
    key="milestones",
    pattern="milestones.yaml",
    model=MilestonePlan,
    schema="milestones.schema.json",
    title="Milepælsplan",
    order=30,
    package=__name__,
    reads=(SUB_AGREEMENT.key,),  # its milestones name the delaftaler's activities
    own_layout=True,
)
