"""Realistic, reproducible demo data for development and benchmarks."""
