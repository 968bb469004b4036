"""Hypothesis settings shared by the fuzz tests: small and quick by default, heavy with `FAQBOT_FUZZ=1`.

Every profile is derandomized (the same examples on every run, so CI is reproducible) and has no
per-example deadline: timing bounds are asserted by the tests themselves, robustly (see each docstring).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

HEAVY = os.environ.get("FAQBOT_FUZZ", "") == "1"
"""`FAQBOT_FUZZ=1 python -m pytest tests/test_fuzz_*.py` runs thousands of examples per property."""


def fuzz(default: int, heavy: int = 2000) -> settings:
    """Settings running `default` examples, or `heavy` when FAQBOT_FUZZ=1."""
    return settings(
        max_examples=heavy if HEAVY else default,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                               HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
