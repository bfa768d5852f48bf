"""Pieces of the side-by-side benchmark (see bench/README.md)."""
