"""The age of digital consent at sign-up (GDPR art. 8). Pure: no app, no database.

Only the year of birth is asked, and it is never stored: an account that exists through
self-registration is the only trace that its owner was over the threshold.
"""

from __future__ import annotations

from datetime import date


def old_enough(birth_year: int, age_of_consent: int, today: date) -> bool:
    """Whether someone born in ``birth_year`` is certainly ``age_of_consent`` or older today.

    The age counts from the last day of the year of birth (the youngest a person born that
    year can be), so a 13-year-old whose birthday is late in the year never gets through;
    someone who turned 14 this year waits until January at most, or gets a class account.
    """
    if age_of_consent <= 0:
        return True
    return today.year - birth_year - 1 >= age_of_consent
