import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../../src/core/commands/parse-command.ts';

describe('parseCommands', () => {
  it('reads each /courier line of a comment', () => {
    expect(parseCommands('Looks good.\n/courier hold prod\n/courier release ghcr.io/acme/app:1.2.3\n/courier promote prod\n/courier plan')).toEqual([
      { verb: 'hold', subject: 'prod' },
      { verb: 'release', subject: 'ghcr.io/acme/app', version: '1.2.3' },
      { verb: 'promote', environment: 'prod' },
      { verb: 'plan' },
    ]);
  });

  it('keeps a registry port in the image and reads rollout, rollback, help', () => {
    expect(parseCommands('/courier release registry.local:5000/team/app')).toEqual([{ verb: 'release', subject: 'registry.local:5000/team/app' }]);
    expect(parseCommands('/courier release registry.local:5000/team/app:2.0.0')).toEqual([{ verb: 'release', subject: 'registry.local:5000/team/app', version: '2.0.0' }]);
    expect(parseCommands('/courier rollout pause podinfo\n/courier rollback munich-dev\n/courier\n/courier rotate-keys')).toEqual([
      { verb: 'rollout', action: 'pause', app: 'podinfo' },
      { verb: 'rollback', target: 'munich-dev' },
      { verb: 'help' },
      { verb: 'rotate-keys' },
    ]);
  });

  it('ignores quoted lines, fenced code, and words that only start like a command', () => {
    expect(parseCommands('> /courier hold prod\n```\n/courier hold prod\n```\n~~~sh\n/courier plan\n~~~\n/couriers hold prod\nplease /courier hold prod')).toEqual([]);
  });

  it('says what is wrong with a malformed command', () => {
    expect(parseCommands('/courier promote\n/courier deploy prod\n/courier rollout stop podinfo\n/courier plan now')).toEqual([
      { verb: 'invalid', line: '/courier promote', error: '`/courier promote` takes one environment name' },
      { verb: 'invalid', line: '/courier deploy prod', error: 'unknown command "deploy"' },
      { verb: 'invalid', line: '/courier rollout stop podinfo', error: 'use `/courier rollout pause|resume|abort <app>`' },
      { verb: 'invalid', line: '/courier plan now', error: '`/courier plan` takes no argument' },
    ]);
  });

  it('refuses a subject that could break out of the dashboard\'s markdown', () => {
    expect(parseCommands('/courier hold `prod`<img>')[0]).toMatchObject({ verb: 'invalid', error: expect.stringContaining('name an environment or an image repository') });
    expect(parseCommands('/courier release a|b')[0]).toMatchObject({ verb: 'invalid' });
  });

  it('reads at most five commands of one comment, in linear time on a huge one', () => {
    expect(parseCommands('/courier plan\n'.repeat(50))).toHaveLength(5);
    expect(parseCommands(`/courier hold ${'a'.repeat(200_000)}`)).toHaveLength(1); // (too long: an invalid one)
  });
});
