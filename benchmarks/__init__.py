"""``make bench``: seed a realistic data set, serve it under gunicorn, load it with wrk.

Benchmarks are not tests: nothing in ``make test`` runs them and no test asserts a time.
"""
