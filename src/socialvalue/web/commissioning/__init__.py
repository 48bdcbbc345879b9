"""The council's charter, procurements, bids, contracts, returns and the portfolio."""
