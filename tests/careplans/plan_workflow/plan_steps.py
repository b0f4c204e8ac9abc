"""What the plan workflow's tests share: short names for the plan's statuses and a
manager's reason for returning a plan."""

from careplans.models import CarePlan

S = CarePlan.Status
REASON = "Please add the carer's views before I sign this off."
