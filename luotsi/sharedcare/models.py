"""Models of the sharedcare app."""
