// Dokku's output style (plugins/common/functions, dokku_log_*): headers on stdout, warnings and failures on stderr.
const quiet = (): boolean => Boolean(process.env.DOKKU_QUIET_OUTPUT);
const out = (line: string): void => void process.stdout.write(`${line}\n`);

export const info1 = (text: string): void => out(`-----> ${text}`);
export const info2 = (text: string): void => out(`=====> ${text}`);
export const verbose = (text: string): void => out(`       ${text}`);
export const warn = (text: string): void => void process.stderr.write(` !     ${text}\n`);

export const info2Quiet = (text: string): void => (quiet() ? undefined : info2(text));
