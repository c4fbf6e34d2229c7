"""Company logo ("Firmenlogo"): validated, cleaned and stored in S3 for the report header.

Contract with reports: the logo of org X is the PNG at ``storage.logo_key(X)`` in bucket
``files`` — 150×150 px, RGB or RGBA, no metadata.
"""
