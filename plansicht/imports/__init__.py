"""Reading the spreadsheets offices keep (XLSX or CSV) into rows of typed values, with every
problem named by row and column. Nothing here writes; ``plansicht.services.imports`` does."""
