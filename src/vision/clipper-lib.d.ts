/** The part of clipper-lib (Clipper 6.4.2, JS port; CommonJS) this project uses. */
declare module 'clipper-lib' {
  interface IntPoint {
    X: number
    Y: number
  }

  class Clipper {
    constructor(initOptions?: number)
    AddPaths(paths: IntPoint[][], polyType: number, closed: boolean): boolean
    Execute(clipType: number, solution: IntPoint[][], subjFillType: number, clipFillType: number): boolean
  }

  class ClipperOffset {
    constructor(miterLimit?: number, arcTolerance?: number)
    AddPath(path: IntPoint[], joinType: number, endType: number): void
    Execute(solution: IntPoint[][], delta: number): void
  }

  const ClipperLib: {
    Clipper: typeof Clipper
    ClipperOffset: typeof ClipperOffset
    ClipType: { readonly ctUnion: number }
    PolyType: { readonly ptSubject: number }
    PolyFillType: { readonly pftPositive: number }
    JoinType: { readonly jtRound: number }
    EndType: { readonly etClosedPolygon: number }
  }
  export = ClipperLib
}
