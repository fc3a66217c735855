"""GraphQL types, queries and mutations of the catalog (shops, categories, products)."""
