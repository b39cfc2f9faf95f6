import { strict as assert } from 'node:assert';
import { UsageError } from '../errors';
import { parseDeployArgs } from './deploy';

describe('k8ts deploy arguments', () => {
  it('reads -i, --state, --uninstall and --log-format', () => {
    assert.deepEqual(parseDeployArgs(['-i', 'c.yaml']), { inventory: 'c.yaml', uninstall: false, json: false, help: false });
    assert.deepEqual(parseDeployArgs(['--inventory=c.yaml', '--state', '/s', '--uninstall', '--log-format=json']), { inventory: 'c.yaml', state: '/s', uninstall: true, json: true, help: false });
    assert.equal(parseDeployArgs(['--help']).help, true);
  });

  it('refuses what it does not know, with the reason', () => {
    const table: [string[], RegExp][] = [
      [[], /-i <inventory.yaml> is required/],
      [['-i'], /flag -i needs a value/],
      [['-i', 'c.yaml', '--force'], /unknown flag --force/],
      [['c.yaml'], /unexpected argument "c.yaml" \(the inventory is given with -i\)/],
      [['-i', 'c.yaml', '--log-format=yaml'], /--log-format must be text or json/],
    ];
    for (const [argv, want] of table) assert.throws(() => parseDeployArgs(argv), (e: Error) => e instanceof UsageError && want.test(e.message), argv.join(' '));
  });
});
