"""Uploaded files: checked by content and size, stored outside static files, served only through access-checked views."""
