"""Staff accounts: users, login, roles."""
