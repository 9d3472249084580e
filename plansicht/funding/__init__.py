"""Funding: grants, the cost and financing plan, spending, the municipal budget and drawdowns."""
