"""Authentication (Cognito JWTs, login flows) and authorization (roles per org)."""
