// Child process that times one peer's first run with no warm-up (see firstSamples in child.ts):
// a fresh Node process, the peer's setup (data, model, tfjs backend: not timed), then one run.
import type { PeerGroup } from './child.ts';
import { firstRun } from './harness.ts';
import { w1Peers } from './w1-nielsen.ts';
import { w2Peers } from './w2-wide.ts';

const { workload, group, peer, short } = JSON.parse(process.argv[2] ?? '{}') as { workload: string; group: PeerGroup; peer: string; short: boolean };
async function first(): Promise<unknown> {
  if (workload === 'W1') return firstRun(w1Peers(group, short), peer);
  if (workload === 'W2') return firstRun(await w2Peers(group, short), peer);
  throw new Error(`first-child: unknown workload ${workload}`);
}
const sample = await first();
process.stdout.write(`${JSON.stringify({ sample })}\n`, () => process.exit(0));
