"""Question pools: which questions of a quiz one attempt asks (``draw:`` in its settings).

Pure: the random source is passed in (the attempt's seeded :class:`random.Random`), so an
attempt's draw can be made again from its seed and tests need no luck. The draw picks
*positions* in the quiz, never texts: every translation has the same questions in the same
order (the checker makes sure), so a learner reading Italian is asked the same questions as
one reading English with the same seed, graded by the same keys.
"""

from __future__ import annotations

import random

__all__ = ["draw_positions"]


def draw_positions(bank: int, draw: int, rng: random.Random | None) -> list[int]:
    """The positions (0-based, in the quiz's order) of the questions one attempt asks.

    ``draw`` 0, or as many as the quiz has or more, asks every question. Without ``rng``
    (a visitor reading the quiz) the first ``draw`` are shown.
    """
    if not 0 < draw < bank:
        return list(range(bank))
    if rng is None:
        return list(range(draw))
    return sorted(rng.sample(range(bank), draw))
