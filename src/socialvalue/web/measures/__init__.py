"""Measures and frameworks: value sets, themes, outcomes, measures with proxies, and the SDGs."""
