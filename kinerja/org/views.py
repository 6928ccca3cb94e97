"""Pages for the organisation structure."""
