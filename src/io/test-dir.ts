/** A fresh temporary directory for tests (only test files import this). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates and returns a new temporary directory named after `prefix`. */
export function testDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `scorekit-${prefix}-`));
}
