import { CoreError } from "../../src/errors.js";

/** The code of the CoreError `f` throws; fails the test if it throws anything else or nothing. */
export function codeOf(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof CoreError) return e.code;
    throw e;
  }
  throw new Error("expected a CoreError");
}
