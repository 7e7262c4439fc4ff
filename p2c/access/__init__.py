"""The focal point's private link: ask for links (/access), and the private page of one record (/my/<token>)."""
