"""The plan: programmes, measures, milestones, dependencies and plan versions."""
