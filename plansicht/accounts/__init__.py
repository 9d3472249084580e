"""Organisations, their units and the people in them: the floor of the domain."""
