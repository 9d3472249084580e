"""The pure ground floor: computation on plain data, with no Django import.

Everything here takes dataclasses and dates and returns dataclasses, so it is fast, testable
in isolation and reusable from a command, a view, a job or a what-if.
"""
