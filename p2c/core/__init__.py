"""Cross-cutting pieces shared by every feature package. Imports no feature."""
