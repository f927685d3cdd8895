/**
 * Defaults of feature extraction, chosen by measurement (`npm run bench:features`:
 * leave-one-out retrieval over the PP-ShiTu drink gallery, 1,065 queries). Recall@1 raw /
 * whitened: mobilenet_v2_gem_features 88.5 / 91.4 %, mobilenet_v2_features 86.1 / 91.1 %,
 * ppocrv4_det_features 65.4 / 86.1 %, picodet_xs_features 65.4 / 83.8 %, googlenet_v1_features
 * 75.8 / 80.2 %, an HSV histogram 83.8 %. The official extractor,
 * general_PPLCNet_x2_5_lite_v1.0, stays the production manifest; its weights could not be
 * obtained where the candidates were measured.
 */

/** The feature model used when none is configured. */
export const DEFAULT_FEATURE_MODEL = 'mobilenet_v2_gem_features'

/** Whitening keeps at most this many dimensions per feature tap (fewer on a small gallery). */
export const DEFAULT_WHITENING_DIMS = 256

/**
 * Below this many gallery images, fitting whitening is not worth it: the covariance is too
 * poorly estimated (measured: 100 images fitted gave no gain over raw GeM features).
 */
export const MIN_WHITENING_GALLERY = 200
