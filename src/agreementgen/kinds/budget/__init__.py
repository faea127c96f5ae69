"""Budget: the plan's costs and who pays them, per calendar year (LBF's layout is not public)."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.budget.model import Budget

KIND = Kind(
    key="budget",
    pattern="budget.yaml",
    model=Budget,
    schema="budget.schema.json",
    title="Budget",
    order=20,
    package=__name__,
    reads=("sub_agreement",),  # its lines name the delaftaler's activities
    own_layout=True,
)
