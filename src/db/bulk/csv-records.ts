// A CSV file as batches of records, each with the line it starts on and its first cell holding bytes
// that are not UTF-8. The same reader runs in the importing thread for small files and in a worker
// thread for large ones (./csv-worker.ts), where parsing overlaps the writes to the model.

import { createReadStream, type ReadStream } from 'node:fs';
import { parse, type Parser } from 'csv-parse';

/** Records in one flat array: structured clone copies a flat array of strings cheaply. */
export interface RecordBatch {
  /** every record's cells, one record after another */
  readonly cells: string[];
  /** three numbers a record: its number of cells, the line it starts on, its first cell with bytes that are not UTF-8 (-1: none) */
  readonly meta: Int32Array<ArrayBuffer>;
  /** bytes of the file read so far, for a progress bar */
  readonly bytesRead: number;
}

/** How a read ended: at the end of the file, at broken quoting, or at an error reading the file. */
export interface CsvEnd {
  readonly malformed?: { readonly line: number; readonly message: string };
  readonly fatal?: { readonly message: string; readonly code?: string };
}

/** A line break inside a quoted cell, or the replacement character left by bytes that are not UTF-8. */
const RARE_RE = /[\n\uFFFD]/;

export const BATCH_RECORDS = 2048;

export class CsvRecordReader {
  private readonly input: ReadStream;
  private readonly parser: Parser;
  private cells: string[] = [];
  private meta: number[] = [];
  /** Lines are counted here rather than with csv-parse's `info` (an object per record). */
  private nextLine = 1;
  private paused = false;
  private stopped = false;

  constructor(
    path: string,
    private readonly onBatch: (batch: RecordBatch) => void,
    private readonly onEnd: (end: CsvEnd) => void,
    /** records a batch: fewer keep less alive while a batch is handled (a reader in this thread) */
    private readonly batchRecords = BATCH_RECORDS,
  ) {
    this.input = createReadStream(path, { highWaterMark: 1 << 18 });
    this.parser = parse({ bom: true, relax_column_count: true });
    this.input.on('error', (e: NodeJS.ErrnoException) => {
      this.parser.destroy();
      this.end({ fatal: { message: e.message, code: e.code } });
    });
    this.parser.on('error', (e: Error & { lines?: number }) => {
      this.input.destroy();
      // Broken quoting: the records before it still count, then the line csv-parse stopped on.
      this.end({ malformed: { line: e.lines ?? this.nextLine, message: e.message.replace(/^.*?: /, '') } });
    });
    this.parser.on('readable', () => this.pump());
    this.parser.on('end', () => this.end({}));
    this.input.pipe(this.parser);
  }

  /** Stops handing out batches until `resume` (the consumer is behind). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  }

  /** Stops reading for good; no more batches and no end. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.input.destroy();
    this.parser.destroy();
  }

  private pump(): void {
    let cells: string[] | null;
    while (!this.paused && !this.stopped && (cells = this.parser.read() as string[] | null) !== null) {
      const line = this.nextLine++;
      let broken = -1;
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i];
        if (c.length === 0 || !RARE_RE.test(c)) continue;
        if (c.indexOf('\n') >= 0) this.nextLine += c.split('\n').length - 1;
        if (broken < 0 && c.indexOf('\uFFFD') >= 0) broken = i;
      }
      if (cells.length === 1 && cells[0] === '') continue; // an empty line
      for (let i = 0; i < cells.length; i++) this.cells.push(cells[i]);
      this.meta.push(cells.length, line, broken);
      if (this.meta.length >= this.batchRecords * 3) this.flush();
    }
  }

  private flush(): void {
    if (!this.meta.length) return;
    const batch: RecordBatch = { cells: this.cells, meta: Int32Array.from(this.meta), bytesRead: this.input.bytesRead };
    this.cells = [];
    this.meta = [];
    this.onBatch(batch);
  }

  private end(end: CsvEnd): void {
    if (this.stopped) return;
    if (!end.fatal) this.flush();
    if (this.stopped) return; // the last batch was enough for the consumer
    this.stopped = true;
    this.onEnd(end);
  }
}
