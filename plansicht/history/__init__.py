"""The one event log: who changed what, when, from what to what, why, and who may see it."""
