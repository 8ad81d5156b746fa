"""Tandem's web front: the pages applicants read and fill in, rendered on the server.

It holds no programme data: every page calls the four services' HTTP APIs with the person's own
credentials (a personal link's token), and every rule stays in those services.
"""
