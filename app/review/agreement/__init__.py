"""Inter-rater agreement statistics for ordinal rubric levels: pure, standard library only.

Double-coded recordings give each unit (a recording scored on one criterion) levels from
two or more raters. The modules, each documenting its formulas and sources:

- `proportions`: exact and adjacent (within one level) agreement over rating pairs;
- `kappa`: Cohen's kappa for two raters, unweighted, linear or quadratic weights;
- `icc`: Shrout & Fleiss intraclass correlations ICC(1,1), ICC(2,1), ICC(3,1);
- `alpha`: Krippendorff's alpha (nominal, ordinal, interval), any raters, missing values;
- `gold`: each rater's deviation from gold-standard levels.

Degenerate input raises ValueError; a coefficient that is 0/0 on the data (no variation
in the ratings) raises its subclass UndefinedAgreementError.
"""

from app.review.agreement.alpha import AlphaMetric, AlphaResult, krippendorff_alpha
from app.review.agreement.gold import (
    GoldStandardDeviation,
    deviation_from_gold,
    deviations_from_gold,
)
from app.review.agreement.icc import MeanSquares, icc_1_1, icc_2_1, icc_3_1, mean_squares
from app.review.agreement.kappa import KappaResult, KappaWeighting, cohen_kappa, kappa_from_table
from app.review.agreement.proportions import PairwiseAgreement, pairwise_agreement
from app.review.agreement.ratings import RatingMatrix, ScoreMatrix, UndefinedAgreementError

__all__ = [
    "AlphaMetric",
    "AlphaResult",
    "GoldStandardDeviation",
    "KappaResult",
    "KappaWeighting",
    "MeanSquares",
    "PairwiseAgreement",
    "RatingMatrix",
    "ScoreMatrix",
    "UndefinedAgreementError",
    "cohen_kappa",
    "deviation_from_gold",
    "deviations_from_gold",
    "icc_1_1",
    "icc_2_1",
    "icc_3_1",
    "kappa_from_table",
    "krippendorff_alpha",
    "mean_squares",
    "pairwise_agreement",
]
