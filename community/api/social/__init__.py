"""GraphQL types, queries, mutations and subscriptions of the social layer."""
