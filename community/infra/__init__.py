"""Infrastructure shared by every domain: settings access, database, Redis, clock, events,
jobs and the domain error type."""
