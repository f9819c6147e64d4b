"""Fetching and extracting readable previews of original articles (no Textual)."""
