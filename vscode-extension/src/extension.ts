// The stacklint extension: starts `stacklint lsp` for the stack and compose files of the
// workspace and keeps it in step with the settings.
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { findInterpreter, onInterpreterChange } from './python';
import { findServer, ImportStrategy } from './server';
import { documentSelector, filePatterns, RESTART_KEYS, SECTION, serverSettings } from './settings';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let extensionPath: string;
// One start or stop at a time: settings can change while the server is still starting.
let queue: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('stacklint', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('stacklint.restart', () => restart('the stacklint.restart command')),
    vscode.commands.registerCommand('stacklint.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        void restart('a changed setting');
      }
    }),
  );
  const watcher = await onInterpreterChange(() => {
    if (!vscode.workspace.getConfiguration(SECTION).get<string>('interpreter')) {
      void restart('another Python interpreter was selected');
    }
  });
  if (watcher) {
    context.subscriptions.push(watcher);
  }
  await restart('activation');
}

export async function deactivate(): Promise<void> {
  await enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step, step);
  return queue;
}

function restart(reason: string): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start(reason);
  });
}

async function stop(): Promise<void> {
  if (client) {
    const old = client;
    client = undefined;
    try {
      await old.stop();
    } catch (error) {
      output.warn(`stopping the server: ${String(error)}`);
    }
  }
}

async function start(reason: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const folder = vscode.workspace.workspaceFolders?.[0];
  output.info(`starting the server (${reason})`);
  const interpreter = await findInterpreter(config.get<string>('interpreter') ?? '', folder?.uri);
  const lookup = await findServer(
    config.get<string[]>('path') ?? [],
    interpreter,
    config.get<ImportStrategy>('importStrategy') ?? 'fromEnvironment',
    extensionPath,
    folder?.uri.fsPath,
  );
  for (const line of lookup.tried) {
    output.info(`looked at ${line}`);
  }
  if (!lookup.server) {
    const message = 'stacklint: no server could be started. Install stacklint in your Python '
      + 'environment (pip install stacklint), choose a Python 3.10+ interpreter '
      + '(stacklint.interpreter), or set stacklint.path to a stacklint command.';
    output.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Show Output');
    if (choice) {
      output.show(true);
    }
    return;
  }
  const server = lookup.server;
  output.info(`server: ${server.description}`);

  const run = { command: server.command, args: server.args, options: { env: server.env, cwd: server.cwd } };
  const serverOptions: ServerOptions = { run: { ...run, transport: TransportKind.stdio },
    debug: { ...run, transport: TransportKind.stdio } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(filePatterns(config)),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: { [SECTION]: serverSettings(config) },
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        // Answer workspace/configuration with the server's settings only.
        configuration: (params, token, next) => {
          const wanted = params.items.map((item) => item.section === SECTION || item.section === undefined);
          return Promise.resolve(next(params, token)).then((result) => {
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, i) => (wanted[i] && params.items[i].section === SECTION
              ? serverSettings(vscode.workspace.getConfiguration(
                SECTION, params.items[i].scopeUri ? vscode.Uri.parse(params.items[i].scopeUri!) : undefined))
              : value));
          });
        },
      },
    },
  };
  const fresh = new LanguageClient('stacklint', 'stacklint', serverOptions, clientOptions);
  try {
    await fresh.start();
    client = fresh;
    output.info('server started');
  } catch (error) {
    output.error(`the server did not start: ${String(error)}`);
    void vscode.window.showErrorMessage(`stacklint: the server did not start (${String(error)}).`, 'Show Output')
      .then((choice) => choice && output.show(true));
  }
}
