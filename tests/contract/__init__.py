"""The API against its own OpenAPI schema, fuzzed by Schemathesis."""
