// Which stacklint to start: stacklint.path, else the interpreter's own stacklint, else the
// copy bundled in the extension (pure-Python packages under bundled/libs).
import { execFile } from 'child_process';
import * as path from 'path';
import { Interpreter } from './python';

export type ImportStrategy = 'fromEnvironment' | 'useBundled';

export interface ServerCommand {
  // Where it comes from: a fallback to the bundled copy is tried only after 'environment'.
  origin: 'path' | 'environment' | 'bundled';
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  description: string;
}

export interface Lookup {
  server?: ServerCommand;
  tried: string[]; // one line per place looked at, for the output channel
}

export const MIN_PYTHON = [3, 10];

interface Probe {
  ok: boolean;
  detail: string;
}

// Runs `python -c code`; ok when it exits 0. detail: the last line it printed, or why it failed.
export function probe(python: string, code: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(python, ['-c', code], { env, cwd, timeout: 20000 }, (error, stdout, stderr) => {
      const lines = `${stdout}\n${stderr}`.trim().split(/\r?\n/).filter((l) => l.trim() !== '');
      const last = lines.length > 0 ? lines[lines.length - 1] : '';
      if (!error) {
        resolve({ ok: true, detail: last });
      } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ ok: false, detail: 'not found' });
      } else {
        resolve({ ok: false, detail: last || error.message });
      }
    });
  });
}

const VERSION_CHECK =
  `import sys; print("Python %d.%d" % sys.version_info[:2]); sys.exit(sys.version_info[:2] < (${MIN_PYTHON.join(', ')}))`;
// The server module itself, so that missing pygls/lsprotocol count as "cannot start" here.
const IMPORT_CHECK = 'import stacklint.lsp.server, stacklint; print(stacklint.__file__)';

export async function findServer(
  pathSetting: string[],
  interpreter: Interpreter,
  strategy: ImportStrategy,
  extensionPath: string,
  workspaceFolder: string | undefined,
): Promise<Lookup> {
  const tried: string[] = [];
  const base: NodeJS.ProcessEnv = { ...process.env };
  const configured = pathSetting.filter((p) => p.trim() !== '');
  if (configured.length > 0) {
    const [command, ...rest] = configured;
    return {
      tried,
      server: {
        origin: 'path', command, args: [...rest, 'lsp'], env: base, cwd: workspaceFolder,
        description: `${configured.join(' ')} lsp (the stacklint.path setting)`,
      },
    };
  }
  tried.push('stacklint.path: not set');

  // The server's working directory is the extension's own folder, so that a `stacklint`
  // folder in the user's workspace never shadows the package `python -m` should run.
  const cwd = path.join(extensionPath, 'bundled');
  const python = `${interpreter.command} (${interpreter.origin})`;
  const version = await probe(interpreter.command, VERSION_CHECK, base, cwd);
  if (!version.ok) {
    tried.push(`Python interpreter ${python}: ${version.detail === 'not found' ? 'not found'
      : `${version.detail}; stacklint needs Python ${MIN_PYTHON.join('.')} or newer`}`);
    return { tried };
  }

  if (strategy === 'fromEnvironment') {
    const own = await probe(interpreter.command, IMPORT_CHECK, base, cwd);
    if (own.ok) {
      return {
        tried,
        server: {
          origin: 'environment', command: interpreter.command, args: ['-m', 'stacklint', 'lsp'], env: base, cwd,
          description: `${interpreter.command} -m stacklint lsp (${version.detail}, stacklint from ${own.detail})`,
        },
      };
    }
    tried.push(`${python}, ${version.detail}: cannot import stacklint.lsp.server (${own.detail})`);
  } else {
    tried.push('stacklint.importStrategy is useBundled: the interpreter\'s own stacklint is not used');
  }

  const bundled = await findBundled(interpreter, extensionPath, version.detail);
  if (bundled.server) {
    return { tried, server: bundled.server };
  }
  return { tried: [...tried, ...bundled.tried] };
}

// The copy of stacklint bundled in the extension (bundled/libs), run by the interpreter.
export async function findBundled(interpreter: Interpreter, extensionPath: string, pythonVersion?: string): Promise<Lookup> {
  const cwd = path.join(extensionPath, 'bundled');
  const libs = path.join(cwd, 'libs');
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: libs, PYTHONNOUSERSITE: '1' };
  const bundled = await probe(interpreter.command, IMPORT_CHECK, env, cwd);
  if (bundled.ok) {
    return {
      tried: [],
      server: {
        origin: 'bundled', command: interpreter.command, args: ['-m', 'stacklint', 'lsp'], env, cwd,
        description: `${interpreter.command} -m stacklint lsp (${pythonVersion ?? 'Python'}, the bundled copy in ${libs})`,
      },
    };
  }
  return { tried: [`the bundled copy in ${libs} with ${interpreter.command} (${interpreter.origin}): ${bundled.detail}`] };
}
