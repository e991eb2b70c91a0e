"""Accounts: sign up, log in, password reset, roles."""
