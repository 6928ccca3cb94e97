"""Evaluation pages (kinerja/evaluations/urls_evaluation.py): pages (list, team, start, one
evaluation, its explanation), actions (the forms on the evaluation page), common (the period
picker, who the user is to an evaluation, the page's context)."""
