"""Shares and rates of whole counts, exact until rounded half up once (pure)."""

import math
from fractions import Fraction


def rounded(value: Fraction, places: int) -> float:
    scale: int = 10**places
    whole: int = math.floor(value * scale + Fraction(1, 2))
    return whole / scale


def share_percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, to one decimal place; None when `whole` is 0."""
    return None if whole == 0 else rounded(Fraction(part * 100, whole), 1)


def per_each(total: int, whole: int) -> float | None:
    """`total` shared over `whole` (a rate per practitioner), to two decimal places."""
    return None if whole == 0 else rounded(Fraction(total, whole), 2)
