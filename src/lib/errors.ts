// Typed errors: library code throws them, main.ts prints them once as ` !     <message>` with their exit code.

/** PluginError is a failure meant for the user. */
export class PluginError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

/** AppNotFoundError mirrors Dokku's verify_app_name: exit 20 (plugins/common/functions). */
export class AppNotFoundError extends PluginError {
  constructor(app: string) {
    super(`App ${app} does not exist`, 20);
    this.name = 'AppNotFoundError';
  }
}

/** InvalidStoredValueError is a property file that does not parse: it names the target, the key and the fix. */
export class InvalidStoredValueError extends PluginError {
  constructor(target: string, key: string, detail: string) {
    const whose = target === '--global' ? 'the global settings' : `app ${target}`;
    super(
      `Invalid network-host ${key} stored for ${whose}: ${detail}; ` +
        `fix it with: dokku network-host:set ${target} ${key} <value> (or unset it with: dokku network-host:set ${target} ${key})`,
    );
    this.name = 'InvalidStoredValueError';
  }
}
