/** A rectangle of cell positions: rows row0…row0+rows−1, columns col0…col0+cols−1, zero-based. */
export interface CellRectangle {
  readonly row0: number;
  readonly col0: number;
  readonly rows: number;
  readonly cols: number;
}

/** Whether `r` is a non-empty rectangle of whole cells inside a rows × cols grid. */
export function fitsGrid(r: CellRectangle, rows: number, cols: number): boolean {
  return (
    Number.isInteger(r.row0) &&
    Number.isInteger(r.col0) &&
    Number.isInteger(r.rows) &&
    Number.isInteger(r.cols) &&
    r.row0 >= 0 &&
    r.col0 >= 0 &&
    r.rows >= 1 &&
    r.cols >= 1 &&
    r.row0 + r.rows <= rows &&
    r.col0 + r.cols <= cols
  );
}
