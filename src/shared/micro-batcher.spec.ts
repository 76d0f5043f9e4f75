import { MicroBatcher } from './micro-batcher';

const settle = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });

describe('MicroBatcher', () => {
  it('runs the items submitted together as one batch and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      (items) => {
        batches.push(items);
        return Promise.resolve(items.map((n) => settle(n * 10)));
      },
      { maxSize: 100, maxConcurrent: 1 },
    );
    await expect(Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).resolves.toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('fails only the items that failed, and all of them when the batch itself fails', async () => {
    let failWhole = false;
    const batcher = new MicroBatcher<number, number>(
      (items) =>
        failWhole
          ? Promise.reject(new Error('database away'))
          : Promise.resolve(
              items.map((n): PromiseSettledResult<number> =>
                n % 2 ? settle(n) : { status: 'rejected', reason: new Error(`even ${n}`) },
              ),
            ),
      { maxSize: 100, maxConcurrent: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'even 2',
      3,
    ]);
    failWhole = true;
    await expect(batcher.submit(5)).rejects.toThrow('database away');
  });

  it('holds new items while maxConcurrent batches run, then runs them together, at most maxSize a batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items.map((n) => settle(n));
      },
      { maxSize: 3, maxConcurrent: 1 },
    );
    const first = batcher.submit(0);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[0]]);
    const later = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(1); // still running the first batch
    release();
    await expect(Promise.all([first, ...later])).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });
});
