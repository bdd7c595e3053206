// Child process for the peer groups that do not run in the main process (see PeerGroup in child.ts).
import type { PeerGroup } from './child.ts';
import { backendDetails } from './tfjs.ts';
import { w1Samples } from './w1-nielsen.ts';
import { w2Samples } from './w2-wide.ts';
import { w3Samples } from './w3-matmul.ts';
import { w4Samples } from './w4-backward.ts';

const { workload, group, short } = JSON.parse(process.argv[2] ?? '{}') as { workload: string; group: PeerGroup; short: boolean };
const run = { W1: w1Samples, W2: w2Samples, W3: w3Samples, W4: w4Samples }[workload];
if (run === undefined) throw new Error(`group-child: unknown workload ${workload}`);
const samples = await run(group, short);
const details = group === 'tfjs' ? backendDetails('wasm') : null;
process.stdout.write(`${JSON.stringify({ samples, details })}\n`, () => process.exit(0));
