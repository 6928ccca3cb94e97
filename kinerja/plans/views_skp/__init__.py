"""SKP authoring and workflow pages (routes in kinerja/plans/urls_skp.py): the list, the SKP
page, its content forms (edit) and its workflow buttons (workflow)."""
