"""Models for sroi analyses."""
