"""GraphQL types and mutations of ratings and credit."""
