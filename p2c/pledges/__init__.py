"""Pledges, their quantified targets and partners; the public form, directory and pledge pages."""
