import { chromium, type Browser } from 'playwright-core';

/**
 * Starts Debian's Chromium headless. The flags turn off the background
 * services whose connections this offline machine would refuse, and the
 * sandbox, which needs a non-root user.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
