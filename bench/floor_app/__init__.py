"""The floor for bench/resident_path.py: the least a Django app can do for the resident's three
steps (show a form, store one row with one INSERT, show it back with one SELECT by key), on the
same Python, Django, gunicorn and database as the real app."""
