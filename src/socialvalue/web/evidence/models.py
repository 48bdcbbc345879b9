"""Models for evidence."""
