"""Models for contracts."""
