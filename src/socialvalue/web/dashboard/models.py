"""Models for dashboard."""
