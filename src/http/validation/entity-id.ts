/**
 * Ids of the catalogue (stops, line variants) are PostgreSQL `integer` columns: 1..2^31−1. A value
 * outside that range is refused at the edge, so SQLite (which takes anything) and PostgreSQL (which
 * fails the query) give the same answer.
 */
export const MAX_ENTITY_ID = 2_147_483_647;

/** Plain decimal digits, no sign, no leading zero, no spaces, no exponent, no hexadecimal. */
const PLAIN_ID = /^[1-9]\d{0,9}$/;

/** The id a value stands for, or undefined when it is not one: a number or a plain decimal string. */
export function parseEntityId(value: unknown): number | undefined {
  const n = typeof value === 'string' && PLAIN_ID.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_ENTITY_ID ? n : undefined;
}

export function isEntityId(value: unknown): value is number {
  return typeof value === 'number' && parseEntityId(value) === value;
}

/** The one message for a bad id, naming the field and a real example. */
export function entityIdMessage(name: string, example: number): string {
  return `${name} must be an integer id from 1 to ${MAX_ENTITY_ID} written in plain digits, such as ${example}`;
}
