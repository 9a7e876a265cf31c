/** One reason an input was rejected, pointing into the input. Codes are stable; clients switch on them. */
export interface FieldProblem {
  path: string[];
  message: string;
  code: FieldProblemCode;
}

export type FieldProblemCode =
  | 'REQUIRED'
  | 'INVALID_FORMAT'
  | 'INVALID_VALUE'
  | 'TOO_LONG'
  | 'CONFLICT'
  | 'NOT_ALLOWED'
  | 'COMBINATION_NOT_ALLOWED'
  | 'CLAIM_NOT_ALLOWED'
  | 'EXCLUSIVE_CLAIM'
  | 'DUPLICATE_CLAIM'
  | 'CLAIMS_NOT_COVERED'
  | 'EMPTY';

export function problem(path: (string | number)[], code: FieldProblemCode, message: string): FieldProblem {
  return { path: path.map(String), code, message };
}
