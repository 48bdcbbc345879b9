"""Models for files."""
