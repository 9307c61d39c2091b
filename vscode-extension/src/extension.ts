// The stacklint extension: starts `stacklint lsp` for the stack and compose files of the
// workspace and keeps it in step with the settings.
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandler,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { findInterpreter, onInterpreterChange } from './python';
import { findBundled, findServer, ImportStrategy, ServerCommand } from './server';
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
      } else if (event.affectsConfiguration(SECTION) && client) {
        // Only the server's own settings: the extension's (path, interpreter, ...) are not its business.
        void client.sendNotification(DidChangeConfigurationNotification.type,
          { settings: { [SECTION]: serverSettings(vscode.workspace.getConfiguration(SECTION)) } });
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
  const started = await launch(lookup.server, config);
  if (started || lookup.server.origin !== 'environment') {
    return;
  }
  // The environment's stacklint passed the import probe but its server did not come up (a
  // broken install, an old version): the bundled copy is the next place users expect.
  const bundled = await findBundled(interpreter, extensionPath);
  if (!bundled.server) {
    bundled.tried.forEach((line) => output.info(`looked at ${line}`));
    return;
  }
  output.warn(`the server of the environment's stacklint did not start; using the copy bundled with the extension`);
  await launch(bundled.server, config);
}

// Starts one server; true when it answered initialize. A server that dies while starting is not
// restarted (the caller may fall back); once running, the client's usual restart policy applies.
async function launch(server: ServerCommand, config: vscode.WorkspaceConfiguration): Promise<boolean> {
  output.info(`server: ${server.description}`);
  const run = { command: server.command, args: server.args, options: { env: server.env, cwd: server.cwd } };
  const serverOptions: ServerOptions = { run: { ...run, transport: TransportKind.stdio },
    debug: { ...run, transport: TransportKind.stdio } };
  let starting = true;
  let usual: ErrorHandler | undefined;
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(filePatterns(config)),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: { [SECTION]: serverSettings(config) },
    initializationFailedHandler: () => false,
    errorHandler: {
      error: (error, message, count) => (starting || !usual
        ? { action: ErrorAction.Shutdown, handled: true } : usual.error(error, message, count)),
      closed: () => (starting || !usual ? { action: CloseAction.DoNotRestart, handled: true } : usual.closed()),
    },
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
  usual = fresh.createDefaultErrorHandler();
  try {
    await fresh.start();
    starting = false;
    client = fresh;
    output.info('server started');
    return true;
  } catch (error) {
    output.error(`the server did not start: ${String(error)}`);
    try {
      await fresh.dispose();
    } catch {
      // already stopped
    }
    if (server.origin !== 'environment') {
      void vscode.window.showErrorMessage(`stacklint: the server did not start (${String(error)}).`, 'Show Output')
        .then((choice) => choice && output.show(true));
    }
    return false;
  }
}
