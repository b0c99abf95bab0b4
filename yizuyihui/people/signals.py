"""Events of the people app that other apps listen to (people imports none of them).

- `household_category_changed(sender=Household, household=…, before=…)`: sent by
  `services.household_set_category` after the change is saved; visits re-plans 三必访 on it.
"""

from django.dispatch import Signal

household_category_changed = Signal()
