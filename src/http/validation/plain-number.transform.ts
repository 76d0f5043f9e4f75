import { Transform } from 'class-transformer';

/** Digits with an optional sign and decimal part: what a person writes, and nothing Number() also takes. */
const PLAIN_NUMBER = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * A query parameter that is a number: "20" becomes 20, while "0x10", "1e3", " 20", "" or a repeated
 * parameter stay as they came and fail the property's @IsInt/@IsNumber with its message (where
 * @Type(() => Number) would have read "0x10" as 16 and "" as 0).
 */
export function PlainNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && PLAIN_NUMBER.test(value) ? Number(value) : value,
  );
}
