"""Framework-free domain code: SROI, discounting, valuation, tender scoring and file formats.

Nothing in this package may import Django; tests/core/test_core_is_framework_free.py enforces it.
"""
