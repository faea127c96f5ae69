"""Budget: the plan's costs and who pays them, per calendar year (LBF's layout is not public)."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.budget.model import Budget
from agreementgen.kinds.sub_agreement import KIND as SUB_AGREEMENT

KIND = Kind(
    key="budget",
    pattern="budget.yaml",
    model=Budget,
    schema="budget.schema.json",
    title="Budget",
    order=20,
    package=__name__,
    reads=(SUB_AGREEMENT.key,),  # its lines name the delaftaler's activities
    own_layout=True,
)
