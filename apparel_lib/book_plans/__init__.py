"""The book's own plans, every chapter number in one place: which runs each chapter's evidence
is made of (``chapters``), the seeds they train with (``seeds``), chapter 7's ablation steps and tables (``ablation``), chapter 10's
study, computed once and shipped in the ledger (``study``), and making the ledger from these
plans (``make``), and checking the shipped study and speedrun record by retraining (``recheck``).

The rest of the library knows no chapter; the chapters, ``apparel results make`` and the
benchmark read their runs from here.
"""
