// User-facing CLI errors. Anything thrown as a CliError (or a subclass) is printed as one
// `error: ...` line with exit code 1; anything else is a bug and also gets no stack trace unless
// K8TS_DEBUG is set.

export class CliError extends Error {
  readonly code: string;
  constructor(message: string, code = 'CLI_ERROR') {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}

/** Bad command line: unknown flag, missing argument. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 'CLI_USAGE');
    this.name = 'UsageError';
  }
}

/** A manifest that cannot be parsed or lacks required fields; carries file and line. */
export class ManifestError extends CliError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`, 'CLI_MANIFEST');
    this.name = 'ManifestError';
    this.file = file;
    this.line = line;
  }
}

/** A resource type the server does not serve. */
export class UnknownResourceError extends CliError {
  constructor(type: string) {
    super(`the server doesn't have a resource type "${type}"`, 'CLI_UNKNOWN_RESOURCE');
    this.name = 'UnknownResourceError';
  }
}

/** Transport problems: refused connection, TLS failure, unreadable response. */
export class ConnectionError extends CliError {
  constructor(message: string) {
    super(message, 'CLI_CONNECTION');
    this.name = 'ConnectionError';
  }
}

/**
 * Errors already reported (for example per-name NotFound lines from `get a b c`): the command
 * printed what it had to and only the exit code remains.
 */
export class SilentExit extends CliError {
  constructor() {
    super('', 'CLI_SILENT');
    this.name = 'SilentExit';
  }
}
