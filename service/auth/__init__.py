"""Authentication (who is calling) and authorisation (what their role may do)."""
