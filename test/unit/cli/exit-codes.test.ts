import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../../cli/exit-codes.js';
import { type ErrorCode, ErrorCodes } from '../../../sdk/errors.js';

interface DocumentedCode {
  code: number;
  name: string;
  errorCodes: string[];
}

/** The rows of the exit code table in docs/cli.md: `| 3 | `INVALID_INPUT` | meaning | `INVALID_NAME`, ... |`. */
async function documentedExitCodes(): Promise<DocumentedCode[]> {
  const doc = await readFile(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((part) => part.startsWith('Exit codes'));
  if (section === undefined) throw new Error('docs/cli.md has no "## Exit codes" section');
  return [...section.matchAll(/^\| (\d+) \| `(\w+)` \|[^|]*\|([^|]*)\|$/gm)].map((match) => ({
    code: Number(match[1]),
    name: match[2]!,
    errorCodes: [...match[3]!.matchAll(/`(\w+)`/g)].map((code) => code[1]!),
  }));
}

describe('exit codes', () => {
  it('docs/cli.md documents every exit code of cli/exit-codes.ts under its name', async () => {
    const documented = await documentedExitCodes();
    expect(documented.map(({ code, name }) => [name, code])).toEqual(Object.entries(ExitCode));
  });

  it('docs/cli.md lists each KlogError code next to the exit code it leads to', async () => {
    const documented = await documentedExitCodes();
    for (const errorCode of Object.keys(ErrorCodes) as ErrorCode[]) {
      const row = documented.find((entry) => entry.errorCodes.includes(errorCode));
      expect({ errorCode, exit: row?.code }).toEqual({ errorCode, exit: exitCodeFor(errorCode) });
    }
  });
});
