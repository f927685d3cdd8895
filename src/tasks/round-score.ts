/** Scores are rounded only at the response edge (task formatters), to PaddleClas's 5 decimals. */
export const roundScore = (value: number): number => Math.round(value * 1e5) / 1e5
