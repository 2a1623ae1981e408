"""Assessment: vulnerability screening, WHO growth z-scores, well-being screeners, coping and the
support network."""
