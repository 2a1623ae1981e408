"""People who use Kinlink: users, their roles, agencies and place scopes, and API tokens."""
