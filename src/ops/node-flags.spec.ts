import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The app's Node flags (how V8 collects the hot reads' garbage: see README, Configuration) are given in three
// places, and the benches read them from the first: they must not drift apart.
const root = join(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const flagsOf = (command: string[]): string[] => command.filter((t) => t.startsWith('--') && t !== '--enable-source-maps');
const scriptFlags = (name: string): string[] => {
  const command = scripts[name].split('&&').at(-1)!.trim().split(/\s+/);
  return flagsOf(command.slice(command.indexOf('node')));
};

describe("the app's Node flags", () => {
  it('are the same for npm start, npm run start:dev and the container', () => {
    const dockerCmd = readFileSync(join(root, 'Dockerfile'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CMD '))
      .at(-1)!;
    const container = flagsOf(JSON.parse(dockerCmd.slice(4)) as string[]);
    expect(scriptFlags('start')).toEqual(['--no-allocation-site-pretenuring']);
    expect(scriptFlags('start:dev')).toEqual(scriptFlags('start'));
    expect(container).toEqual(scriptFlags('start'));
  });
});
