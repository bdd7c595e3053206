// The headless Chromium every browser test drives: a system Chromium when one is installed
// (PULLBACK_CHROMIUM, or Debian's /usr/bin/chromium), otherwise the binary that ships inside the
// npm package @sparticuz/chromium (unpacked from the package on first use; nothing is downloaded).
import { existsSync } from 'node:fs';
import sparticuz from '@sparticuz/chromium';

/** Flags that keep Chromium off the network: this machine has none, and tests must not use it. */
const QUIET = ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  /** Where the binary came from, for error messages and logs. */
  source: 'PULLBACK_CHROMIUM' | 'system' | '@sparticuz/chromium';
}

/** Options for playwright-core's `chromium.launch` / `launchPersistentContext`. */
export async function chromiumLaunch(): Promise<ChromiumLaunch> {
  const fromEnv = process.env.PULLBACK_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`chromiumLaunch: PULLBACK_CHROMIUM is ${fromEnv}, which does not exist; unset it to use the packaged Chromium`);
    return { executablePath: fromEnv, args: ['--headless', '--no-sandbox', '--disable-gpu', ...QUIET], source: 'PULLBACK_CHROMIUM' };
  }
  if (existsSync('/usr/bin/chromium')) {
    return { executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', ...QUIET], source: 'system' };
  }
  const executablePath = await sparticuz.executablePath();
  return { executablePath, args: [...sparticuz.args, ...QUIET], source: '@sparticuz/chromium' };
}
