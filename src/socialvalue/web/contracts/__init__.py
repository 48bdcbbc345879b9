"""Contracts with their social value commitments, provider returns, verification and the commissioner's portfolio."""
