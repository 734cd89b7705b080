"""Eligibility checks of SPEC §4: the rules file (rules.py, rules.yaml), credit-list cross-checks
(credit.py), working days (workdays.py) and the engine turning facts into CheckResults (engine.py)."""
