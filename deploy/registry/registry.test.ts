import { strict as assert } from 'node:assert';
import { renderRegistryConfig, startRegistry } from './registry';

describe('local registry config', () => {
  it('keeps storage in its own dir and listens where told', () => {
    const c = renderRegistryConfig({ storageDir: '/tmp/r/storage', addr: '127.0.0.1:5000' });
    assert.match(c, /^    rootdirectory: "\/tmp\/r\/storage"$/m);
    assert.match(c, /^  addr: "127\.0\.0\.1:5000"$/m);
    assert.match(c, /^  delete:\n    enabled: true$/m);
  });

  it('refuses a non-loopback address', async () => {
    await assert.rejects(startRegistry({ dir: '/nonexistent', host: '0.0.0.0' }), /must listen on loopback/);
  });
});
