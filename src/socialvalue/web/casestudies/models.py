"""Models for case studies."""
