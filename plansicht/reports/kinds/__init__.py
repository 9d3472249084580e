"""One module per kind of report. Each gives ``INTERNAL`` (never on the portal), ``title(facts)``
and ``sections(facts, issue_date)``; optionally ``subtitle(facts, issue_date)`` and
``facts_as_of(cut_off)`` (the date its figures are taken on, default the cut-off)."""
