"""GraphQL types, queries, mutations and subscriptions of the accounts domain."""
