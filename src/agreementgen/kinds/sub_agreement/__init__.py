"""Delaftale: one per chosen focus area, with its sub-goals, activities and roles."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.sub_agreement.model import SubAgreement

KIND = Kind(
    key="sub_agreement",
    pattern="sub-agreements/*.yaml",
    model=SubAgreement,
    schema="sub-agreement.schema.json",
    title="Delaftale",
    order=10,
    package=__name__,
    per_focus_area=True,
    own_layout=True,
)
