"""Accounts: users, bearer tokens, passwords and set-password links, sign-in."""
