/*
 * Bull's own ceiling on this machine: CHAINS self-rescheduling no-op job chains (each job adds its
 * successor, as a tick does) on one queue with CONCURRENCY, for SECONDS. Prints {"bullCeilingJobsPerSecond": n}.
 * Run by the benchmark in a process of its own, against the benchmark's Redis.
 */
import Bull from 'bull';
import { randomBytes } from 'node:crypto';

const [redisUrl, concurrency, chains, seconds] = [
  process.argv[2],
  Number(process.argv[3] ?? 4),
  Number(process.argv[4] ?? 200),
  Number(process.argv[5] ?? 10),
];

async function main(): Promise<void> {
  const queue = new Bull<{ chain: number; seq: number }>('ceiling', redisUrl, {
    prefix: `bench-ceiling-${randomBytes(3).toString('hex')}`,
  });
  const options = { removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: true };
  let done = 0;
  let counting = false;
  void queue.process('noop', concurrency, async (job) => {
    await queue.add(
      'noop',
      { chain: job.data.chain, seq: job.data.seq + 1 },
      { ...options, jobId: `${job.data.chain}:${job.data.seq + 1}` },
    );
    if (counting) done++;
  });
  for (let c = 0; c < chains; c++) await queue.add('noop', { chain: c, seq: 0 }, { ...options, jobId: `${c}:0` });
  await new Promise((r) => setTimeout(r, 2000)); // warm up
  counting = true;
  const started = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const perSecond = done / ((Date.now() - started) / 1000);
  console.log(JSON.stringify({ bullCeilingJobsPerSecond: Math.round(perSecond) }));
  await queue.pause(true, true);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  process.exit(0);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
