"""A provider's dashboard: value over time, evidence awaiting verification, review dates, recent case studies."""
