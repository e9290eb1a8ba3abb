"""Inter-rater agreement statistics for ordinal rubric levels: pure, standard library only.

Double-coded recordings give each unit (a recording scored on one criterion) levels from
two or more raters. The modules, each documenting its formulas and sources:

- `proportions`: exact and adjacent (within one level) agreement over rating pairs;
- `kappa`: Cohen's kappa for two raters, unweighted, linear or quadratic weights, and for
  every pair of raters of a larger panel;
- `fleiss`: Fleiss' kappa, nominal agreement of any fixed number of raters per unit;
- `icc`: Shrout & Fleiss intraclass correlations, single-rater ICC(1,1), ICC(2,1),
  ICC(3,1) and average-of-k-raters ICC(1,k), ICC(2,k), ICC(3,k), and ICC(1,1) for units
  scored by different numbers of raters;
- `alpha`: Krippendorff's alpha (nominal, ordinal, interval, ratio), any raters, missing
  values;
- `gold`: each rater's deviation from gold-standard levels.

Degenerate input raises ValueError; a coefficient that is 0/0 on the data (no variation
in the ratings) raises its subclass UndefinedAgreementError.
"""

from app.review.agreement.alpha import AlphaMetric, AlphaResult, krippendorff_alpha
from app.review.agreement.fleiss import (
    FleissKappaResult,
    fleiss_kappa,
    fleiss_kappa_from_counts,
)
from app.review.agreement.gold import (
    GoldStandardDeviation,
    deviation_from_gold,
    deviations_from_gold,
)
from app.review.agreement.icc import (
    MeanSquares,
    icc_1_1,
    icc_1_1_unequal,
    icc_1_k,
    icc_2_1,
    icc_2_k,
    icc_3_1,
    icc_3_k,
    mean_squares,
)
from app.review.agreement.kappa import (
    KappaResult,
    KappaWeighting,
    cohen_kappa,
    kappa_from_table,
    pairwise_kappas,
)
from app.review.agreement.proportions import PairwiseAgreement, pairwise_agreement
from app.review.agreement.ratings import RatingMatrix, ScoreMatrix, UndefinedAgreementError

__all__ = [
    "AlphaMetric",
    "AlphaResult",
    "FleissKappaResult",
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
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "icc_1_1",
    "icc_1_1_unequal",
    "icc_1_k",
    "icc_2_1",
    "icc_2_k",
    "icc_3_1",
    "icc_3_k",
    "kappa_from_table",
    "krippendorff_alpha",
    "mean_squares",
    "pairwise_agreement",
    "pairwise_kappas",
]
