// Finding a Python interpreter: the setting, else the Python extension's active one, else python3.
import * as vscode from 'vscode';

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] };
  };
}

export interface Interpreter {
  command: string;
  origin: string; // where it came from, for the output channel
}

async function pythonExtension(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

export async function findInterpreter(setting: string, resource?: vscode.Uri): Promise<Interpreter> {
  if (setting.trim() !== '') {
    return { command: setting.trim(), origin: 'the stacklint.interpreter setting' };
  }
  const api = await pythonExtension();
  try {
    const environments = api?.environments;
    const active = environments?.getActiveEnvironmentPath(resource);
    if (environments && active) {
      const resolved = await environments.resolveEnvironment(active);
      const executable = resolved?.executable?.uri?.fsPath;
      if (executable) {
        return { command: executable, origin: "the Python extension's active interpreter" };
      }
    }
    const legacy = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (legacy && legacy.length > 0) {
      return { command: legacy[0], origin: "the Python extension's active interpreter" };
    }
  } catch {
    // an older or broken Python extension: fall through to python3
  }
  return { command: process.platform === 'win32' ? 'python' : 'python3', origin: 'PATH' };
}

// Restart the server when the user picks another interpreter in the Python extension.
export async function onInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonExtension();
  return api?.environments?.onDidChangeActiveEnvironmentPath?.(listener);
}
