import { EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';

/**
 * A raw statement written once for both databases. What differs is spelled out here: placeholders (`$n`
 * against `?`), dates (timestamptz against SQLite's UTC text), and how rows come back from an UPDATE or
 * DELETE with RETURNING (SQLite ≥ 3.35 has RETURNING too).
 */
export class SqlStatement {
  readonly parameters: unknown[] = [];
  readonly postgres: boolean;

  constructor(private readonly manager: EntityManager) {
    this.postgres = manager.connection.driver.options.type === 'postgres';
  }

  /** A placeholder for `value`; PostgreSQL gets a cast where it could not infer the type. */
  bind(value: unknown, type?: string): string {
    // SQLite has no boolean type: TypeORM stores them as 1 and 0.
    this.parameters.push(!this.postgres && typeof value === 'boolean' ? Number(value) : value);
    if (!this.postgres) return '?';
    return type ? `CAST($${this.parameters.length} AS ${type})` : `$${this.parameters.length}`;
  }

  date(value: Date | null): string {
    if (value === null) return 'NULL';
    return this.postgres
      ? this.bind(value.toISOString(), 'timestamptz')
      : this.bind(DateUtils.mixedDateToUtcDatetimeString(value));
  }

  list(values: readonly unknown[], type?: string): string {
    return values.map((v) => this.bind(v, type)).join(', ');
  }

  /** The larger of two numbers, in the dialect's words. */
  greatest(a: string, b: string): string {
    return this.postgres ? `GREATEST(${a}, ${b})` : `MAX(${a}, ${b})`;
  }

  /** Runs the statement built with this object's placeholders; the rows it returns, whatever its kind. */
  async rows<T>(text: string): Promise<T[]> {
    const raw: unknown = await this.manager.query(text, this.parameters);
    // PostgreSQL hands back an UPDATE's or DELETE's rows as [rows, count].
    if (
      this.postgres &&
      Array.isArray(raw) &&
      raw.length === 2 &&
      Array.isArray(raw[0]) &&
      typeof raw[1] === 'number'
    ) {
      return raw[0] as T[];
    }
    return Array.isArray(raw) ? (raw as T[]) : [];
  }
}

/** A date column read by a raw query: a Date from PostgreSQL, UTC text from SQLite. */
export function readDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return new Date(Number(value));
  const text = value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
