"""Automatic dispatch (自动派单): ordered rules of the catalogue, and per-unit assignment."""
