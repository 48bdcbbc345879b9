"""SROI analyses in the browser, built on socialvalue.core.sroi."""
