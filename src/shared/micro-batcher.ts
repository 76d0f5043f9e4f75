/**
 * Gathers calls made at about the same time into one batch of work: callers submit one item and get its
 * own result, the work runs once for all the items submitted since the last batch began. While
 * `maxConcurrent` batches run, new items wait and go together in the next one, so the busier it is, the
 * larger (and cheaper per item) the batches get.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly work: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly options: { maxSize: number; maxConcurrent: number },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Let the other callers of this turn of the event loop join the batch.
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      });
    });
  }

  private drain(): void {
    while (this.pending.length && this.running < this.options.maxConcurrent) {
      const batch = this.pending.splice(0, this.options.maxSize);
      this.running++;
      this.work(batch.map((b) => b.item))
        .then(
          (results) =>
            batch.forEach((b, i) => {
              const result = results[i];
              if (result?.status === 'fulfilled') b.resolve(result.value);
              else b.reject(result ? result.reason : new Error('batch returned no result for this item'));
            }),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}
