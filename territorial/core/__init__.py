"""Vocabulary shared by every layer: French formats and safe text, palette, codes, paths."""
