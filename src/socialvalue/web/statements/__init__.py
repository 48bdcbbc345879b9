"""The social value statement: drafts, published versions with history, exports and a public link."""
