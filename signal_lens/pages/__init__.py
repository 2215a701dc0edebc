"""What the browser sees: the feed's pages, the panel, the receivers map, the toolbar panel,
and whose feed a browser's request is in."""
