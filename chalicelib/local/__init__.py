"""Local mode: the embedded AWS emulator, bootstrap of its resources, scheduler, demo seed.

Development only: nothing here is imported by the API's request path.
"""
