/*
 * Where a process spent its CPU: reads a V8 CPU profile (`npm run bench -- --profile DIR` writes one per
 * process) and prints self time by package (or our own source folder) and the top functions.
 *   ts-node --transpile-only scripts/bench/profile-summary.ts DIR/CPU.*.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to, or our own folder (dist/tracking, …), or what V8 calls it. */
function owner(url: string): string {
  if (!url) return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/dist\/([^/]+)/.exec(url);
  if (ours) return `ours: ${ours[1]}`;
  if (url.startsWith('node:')) return 'node core';
  return url;
}

function summarize(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = [...self.entries()]
    .filter(([id]) => !['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName))
    .reduce((a, [, t]) => a + t, 0);
  const group = (key: (n: ProfileNode) => string): [string, number][] => {
    const sums = new Map<string, number>();
    for (const [id, t] of self) {
      const node = byId.get(id)!;
      if (['(idle)', '(program)'].includes(node.callFrame.functionName)) continue;
      sums.set(key(node), (sums.get(key(node)) ?? 0) + t);
    }
    return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  };
  const pct = (t: number): string => `${((100 * t) / busy).toFixed(1).padStart(5)} %`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy`);
  console.log('  by package:');
  for (const [name, t] of group((n) => owner(n.callFrame.url))) console.log(`    ${pct(t)}  ${name}`);
  console.log('  by function:');
  for (const [name, t] of group(
    (n) => `${n.callFrame.functionName || '(anonymous)'} ${owner(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`,
  ))
    console.log(`    ${pct(t)}  ${name}`);
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
const files = args.filter((a, i) => !a.startsWith('--') && !(topAt >= 0 && i === topAt + 1));
if (!files.length) {
  console.error('usage: profile-summary.ts FILE.cpuprofile… [--top N]');
  process.exit(2);
}
for (const file of files) summarize(file, top);
