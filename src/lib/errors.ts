/** PluginError is a failure meant for the user: main() prints it as ` !     <message>` and exits with exitCode. */
export class PluginError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

/** AppNotFoundError mirrors Dokku's verify_app_name: exit 20 (contract §1.3). */
export class AppNotFoundError extends PluginError {
  constructor(app: string) {
    super(`App ${app} does not exist`, 20);
    this.name = 'AppNotFoundError';
  }
}

/** InvalidStoredValueError is a property file that does not parse: it names the app, the key and the fix. */
export class InvalidStoredValueError extends PluginError {
  constructor(app: string, key: string, detail: string) {
    const target = app === '--global' ? '--global' : app;
    super(
      `Invalid network-host ${key} stored for ${app === '--global' ? 'the global settings' : `app ${app}`}: ${detail}; ` +
        `fix it with: dokku network-host:set ${target} ${key} <value> (or unset it with: dokku network-host:set ${target} ${key})`,
    );
    this.name = 'InvalidStoredValueError';
  }
}
