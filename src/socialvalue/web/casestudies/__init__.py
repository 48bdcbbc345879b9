"""Case studies and the good-practice library."""
