"""The financing check: a call's rules as data, a dossier's budget, and the verdict.

``model`` holds the budget and applicant sections of a dossier, ``rules`` the
schema and loader of a call's rules file, ``check`` the pure computation (no
file access, no click) and ``render`` the table and JSON outputs. ``run`` ties
them together for the command line.
"""
