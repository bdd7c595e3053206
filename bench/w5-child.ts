// Child process of W5's diagnostic row: the scalar measurement under other V8 flags.
import { measureScalar } from './w5-scalar.ts';

const { steps, repeats } = JSON.parse(process.argv[2] ?? '{}') as { steps: number; repeats: number };
process.stdout.write(`${JSON.stringify(await measureScalar(steps, repeats))}\n`);
