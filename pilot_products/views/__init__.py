"""Views, one module per surface (catalogue, portal, spreadsheets)."""
