// A real headless Chromium (Debian's package, installed by scripts/bootstrap.sh) driven by playwright-core, for
// tests that look at a page the way a person would: load it, read what it shows, keep a screenshot.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const EXECUTABLE = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** The flags keep Chromium off the network: this machine reaches nothing but loopback. */
export async function launchChromium(): Promise<Browser> {
  if (!EXECUTABLE) throw new Error('chromium not found in /usr/bin: run scripts/bootstrap.sh (it installs Debian\'s chromium)');
  return chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
