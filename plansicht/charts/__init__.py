"""Pure SVG charts drawn on the server: no Django import, each with a text alternative."""
