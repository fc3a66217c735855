"""Orders: address book, cart, checkout, and the escrow order lifecycle with refunds and
disputes."""
