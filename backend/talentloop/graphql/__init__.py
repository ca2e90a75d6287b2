"""The GraphQL layer: context, ids, pagination, errors, and the assembled schema."""
