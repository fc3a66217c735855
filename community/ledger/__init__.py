"""The ledger: every movement of money as a balanced double-entry transfer."""
