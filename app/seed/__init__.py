"""Demo data (the Shanxi consumer-goods plan's clusters, parks and firms) and synthetic province-scale data."""
