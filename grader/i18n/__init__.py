"""Words in both languages: feedback messages rendered from findings, and the pages' text."""
