"""Evidence records of delivered social value, their files, verification and valuation."""
