"""Open data: exports and imports in every format."""
