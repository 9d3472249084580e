"""Loads a programme into plain engine inputs, runs the engine, and stores the results.

Pages read the stored results; nothing is recomputed on page view. ``compute`` runs the engine
and stores nothing (for commands, checks and the what-if); ``refresh`` computes and stores.
"""
