"""Demo data (the Shanxi facts of DOMAIN.md §8) and synthetic province-scale data."""
