"""WHO growth z-scores (0-19 years), nutrition flags and survey prevalence; pure Python, no
database: `compute()` scores one measurement, `survey.prevalence()` tabulates many."""

from kinlink.assessment.growth.zscores import (
    GrowthInputError,
    GrowthResult,
    Measure,
    Standard,
    compute,
)

__all__ = ["GrowthInputError", "GrowthResult", "Measure", "Standard", "compute"]
