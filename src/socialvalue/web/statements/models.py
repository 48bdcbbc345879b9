"""Models for statements."""
