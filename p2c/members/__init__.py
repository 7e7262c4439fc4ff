"""Organizations, calls for interest and expressions of interest (/join)."""
