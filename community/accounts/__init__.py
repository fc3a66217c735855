"""Accounts: people, their sessions, roles and profiles."""
