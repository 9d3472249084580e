"""Site texts that administrators edit: the imprint (Impressum) and the accessibility statement."""
