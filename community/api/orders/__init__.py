"""GraphQL types, queries and mutations of orders, the cart, addresses and the wallet."""
