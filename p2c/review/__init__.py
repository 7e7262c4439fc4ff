"""The coalition team's back-office: queue, decisions, comments, audit trail (/review)."""
