// What the extension's settings mean for the server and for the files it is attached to.
import * as vscode from 'vscode';
import { DocumentFilter } from 'vscode-languageclient/node';

export const SECTION = 'stacklint';

// The settings the server reads (the `editor` part of stacklint/settings.schema.json; a test
// checks that this list and package.json agree with it); path, interpreter and importStrategy
// only choose how to start it and are not sent.
export const SERVER_KEYS = [
  'select', 'ignore', 'severity', 'failOn', 'configFile', 'files', 'env', 'inheritEnv', 'strictEnv',
  'inventory', 'debounceMs',
] as const;

// Changing one of these restarts the server (the others are sent as they change).
export const RESTART_KEYS = ['path', 'interpreter', 'importStrategy', 'files'];

export const LANGUAGES = ['yaml', 'dockercompose'];

export function serverSettings(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = config.get(key);
    if (value !== undefined && value !== null && value !== '') {
      out[key] = value;
    }
  }
  return out;
}

export function filePatterns(config: vscode.WorkspaceConfiguration): string[] {
  return (config.get<string[]>('files') ?? []).filter((p) => typeof p === 'string' && p.trim() !== '');
}

// The documents the client hands to the server: each pattern in each of the two languages.
export function documentSelector(patterns: string[]): DocumentFilter[] {
  const selector: DocumentFilter[] = [];
  for (const language of LANGUAGES) {
    for (const pattern of patterns) {
      selector.push({ scheme: 'file', language, pattern });
    }
  }
  return selector;
}
