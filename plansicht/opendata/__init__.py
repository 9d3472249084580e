"""Open data: the public programme in the formats others harvest (CSV with a Table Schema,
XLSX, JSON, IATI, Popolo, iCalendar, DCAT-AP.de, Decidim accountability)."""
