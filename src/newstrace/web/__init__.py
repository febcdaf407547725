"""The local web workbench (`newstrace serve`): pages, JSON API and review forms over a Workbench."""
