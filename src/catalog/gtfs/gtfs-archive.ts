import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** A feed that cannot be used, with where: the file of the feed and the line in it (0: the file itself). */
export class GtfsFeedError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `${file} line ${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'GtfsFeedError';
  }
}

/** One row of a GTFS file, by column name, with the line of the file it ends on. */
export interface GtfsRow {
  values: Record<string, string>;
  line: number;
}

/**
 * A GTFS feed as the city publishes it: a zip archive of CSV files. Entries are read one at a time as
 * streams, so a feed of millions of stop times never sits whole in memory; yauzl checks each entry's size
 * and checksum as it goes, so a truncated or damaged archive fails on the file it damaged.
 */
export class GtfsArchive {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
    private readonly name: string,
  ) {}

  static async open(path: string): Promise<GtfsArchive> {
    const name = path.split('/').pop() ?? path;
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, file) =>
        error ? reject(new GtfsFeedError(name, 0, `not a readable zip archive (${error.message})`)) : resolve(file),
      ),
    );
    const entries = new Map<string, Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        // Feeds are sometimes zipped with their folder: the file's own name is what counts.
        const file = entry.fileName.split('/').pop() ?? entry.fileName;
        if (file) entries.set(file, entry);
        zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', (error: Error) => reject(new GtfsFeedError(name, 0, `damaged zip archive (${error.message})`)));
      zip.readEntry();
    });
    return new GtfsArchive(zip, entries, name);
  }

  has(file: string): boolean {
    return this.entries.has(file);
  }

  /**
   * Every row of `file`, in order, checked to have each of `required` columns (a name the GTFS reference
   * gives, so a row's values can be read by it). Rows are parsed as they stream in.
   */
  async *rows(file: string, required: readonly string[]): AsyncGenerator<GtfsRow> {
    const entry = this.entries.get(file);
    if (!entry) throw new GtfsFeedError(this.name, 0, `has no ${file}`);
    const stream = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, s) =>
        error ? reject(new GtfsFeedError(file, 0, `cannot be read from the archive (${error.message})`)) : resolve(s),
      ),
    );
    const parser = stream.pipe(
      parse({ columns: true, bom: true, trim: true, skip_empty_lines: true, info: true, relax_column_count: false }),
    );
    stream.once('error', (error: Error) => parser.destroy(error));
    let checked = false;
    try {
      for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        if (!checked) {
          const missing = required.filter((c) => !(c in record.record));
          if (missing.length) throw new GtfsFeedError(file, 1, `missing column(s) ${missing.join(', ')}`);
          checked = true;
        }
        yield { values: record.record, line: record.info.lines };
      }
    } catch (error) {
      if (error instanceof GtfsFeedError) throw error;
      const line = (error as { lines?: number }).lines ?? 0;
      throw new GtfsFeedError(file, line, (error as Error).message.replace(/^Invalid Record Length: /, ''));
    }
  }

  close(): void {
    this.zip.close();
  }
}
