/**
 * A list of codes as SQL string literals (`'a','b'`), for a CHECK or an IN list written from the constant that names
 * them. Only for the code constants of this service (no quotes in them), never for values a request sent.
 */
export const sqlCodes = (codes: readonly string[]): string => codes.map((c) => `'${c}'`).join(',');
