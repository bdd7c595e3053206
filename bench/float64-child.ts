// Child process for the float64 peers of W1–W3 (see float64Samples in child.ts).
import { w1Samples } from './w1-nielsen.ts';
import { w2Samples } from './w2-wide.ts';
import { w3Samples } from './w3-matmul.ts';

const { workload, short } = JSON.parse(process.argv[2] ?? '{}') as { workload: string; short: boolean };
const samples = workload === 'W1' ? await w1Samples('float64', short) : workload === 'W2' ? await w2Samples('float64', short) : await w3Samples('float64', short);
process.stdout.write(`${JSON.stringify(samples)}\n`, () => process.exit(0));
