"""The floor for bench/resident_path.py: a normal Django app doing the resident's three steps
(show a form, store one row with one INSERT, show it back with one SELECT by its token), as
`startproject` sets one up (its default middleware, apps and context processors, Django
templates, a ModelForm, the messages framework), on the same Python, Django, gunicorn and
database server as the real app."""
