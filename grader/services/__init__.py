"""Domain services: each takes an explicit database session and raises domain errors."""
