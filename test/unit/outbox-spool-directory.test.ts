import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSpoolDirectory, SpoolDirectoryError } from '../../src/store/outbox-spool.js';

/** OUTBOX_SPOOL_DIR is checked at start-up: made when missing (private), or refused with its errno, never hung on. */
describe('prepareSpoolDirectory', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spool-dir-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates missing levels, each private to the gateway (0700)', async () => {
    const dir = join(root, 'a', 'b', 'outbox');
    expect(await prepareSpoolDirectory(dir)).toEqual([]);
    for (const level of [join(root, 'a'), join(root, 'a', 'b'), dir]) expect((await stat(level)).mode & 0o777).toBe(0o700);
    expect(await prepareSpoolDirectory(dir)).toEqual([]);
  });

  it('refuses a path under a file with ENOTDIR', async () => {
    await writeFile(join(root, 'file'), 'x');
    await expect(prepareSpoolDirectory(join(root, 'file', 'outbox'))).rejects.toMatchObject({ name: 'SpoolDirectoryError', code: 'ENOTDIR' });
  });

  it('refuses a directory its file system will not create (procfs), where a recursive mkdir never settled', async () => {
    // Node 20's mkdir({ recursive: true }) spun for ever on /proc/<new>: the gateway hung at start-up, deaf to SIGTERM.
    const refusal = prepareSpoolDirectory('/proc/gateway-spool/outbox');
    await expect(refusal).rejects.toBeInstanceOf(SpoolDirectoryError);
    await expect(refusal).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
