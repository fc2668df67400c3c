"""The GraphQL surface: types, enums, Query and federation."""
