"""Pages of the personnel app. Every person comes through `personnel.scope`: out of the
user's subtree is a 404 first, then a role that may not change people gets a 403."""
