"""The GraphQL layer: graphene types, queries, mutations and subscriptions over the domain
services, plus the HTTP/WebSocket view that serves them. No business rules live here."""
