"""Users, organisations, memberships, invitations, API tokens and login throttling."""
