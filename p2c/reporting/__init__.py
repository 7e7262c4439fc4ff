"""Read-only aggregation: rollups, goals, charts; /progress and country pages."""
