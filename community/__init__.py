"""Haowu (好物): a social shopping community over an escrow marketplace."""
