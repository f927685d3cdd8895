/**
 * Number casts that reproduce what C++ (OpenCV, Clipper) does, so our integer results match the
 * reference bit for bit instead of drifting by one at ties.
 */

/** Round a double to float32, as every `float` operation in the C++ reference does. */
export const f32 = Math.fround

/** cvRound / saturate_cast<int>(double): round half to even (lrint in the default FP mode). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  // Math.round sends .5 up; lrint sends it to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** saturate_cast<uchar>(int). */
export function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v
}

/** saturate_cast<short>(int). */
export function clampShort(v: number): number {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v
}

export function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}
