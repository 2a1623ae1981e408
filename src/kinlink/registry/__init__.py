"""The registry: children, households, parents and caregivers, migration and care over time."""
