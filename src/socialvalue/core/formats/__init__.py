"""Readers and writers for the files people bring to and take from socialvalue."""
