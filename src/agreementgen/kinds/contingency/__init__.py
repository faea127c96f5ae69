"""Beredskabsplan: how the parties react to acute incidents (LBF's template is not public)."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.contingency.model import ContingencyPlan

KIND = Kind(
    key="contingency_plan",
    pattern="contingency-plan.yaml",
    model=ContingencyPlan,
    schema="contingency-plan.schema.json",
    title="Beredskabsplan",
    order=40,
    package=__name__,
    own_layout=True,
)
