"""Helpers shared by the project's test modules (no tests here).

A test module imports what it shares with others from this package, never from another
test module: ``from helpers.mini import write_mini``.
"""
