"""Staffing: the posts a programme needs, their hiring steps and who stands in meanwhile."""
