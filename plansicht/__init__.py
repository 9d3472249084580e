"""Plansicht: plan, money and posts of a grant-funded city programme, in public."""
