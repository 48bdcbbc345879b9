"""Reports on screen and as PDF, Word, Excel and CSV, run in the background when long."""
