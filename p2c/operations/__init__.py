"""Running the platform: the worker (scheduled jobs), its status, the team's health view and /metrics."""
