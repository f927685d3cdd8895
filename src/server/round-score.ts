/** Scores are rounded only here, at the response edge, to PaddleClas's 5 decimals. */
export const roundScore = (value: number): number => Math.round(value * 1e5) / 1e5
