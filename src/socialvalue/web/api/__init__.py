"""The JSON API at /api/v1/: bearer-token authentication, error handling and the routers of each app."""
