"""Search across an organisation's own records: one index, kept by the database, read through tenancy."""
