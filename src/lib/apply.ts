// Effects: the one place a plan is carried out. Settings first, then what other plugins store for the app (through
// their own commands), then the k3s component, then the precomputed trigger answers. Callers hold the lock (lock.ts)
// from their snapshot on, so the plan is made from settings no one changes before it is written.
import { join } from 'path';
import { writeAnswers } from './answers';
import { dokkuOrFail } from './exec';
import { appFacts, readRedeploy } from './gather';
import { writePortMap, writeRedeploy } from './switch';
import { installK3sComponent, removeK3sComponent } from './k3s-apply';
import { verbose, warn } from './log';
import type { HostFacts } from './model';
import { shellQuote } from './options';
import type { Plan } from './pipeline';
import { GLOBAL } from './properties';
import { destroyTarget, readSettings, targetDataDir, updateSettings, writeRecord } from './store';
import { withLockAsync } from './lock';

export function apply(plan: Plan, host: HostFacts, pidfile: string | undefined): Promise<void> {
  return withLockAsync(() => applyLocked(plan, host, pidfile));
}

async function applyLocked(plan: Plan, host: HostFacts, pidfile: string | undefined): Promise<void> {
  // Only the keys the plan changes, against the facts it was made from: a key written by anyone else stays.
  for (const { target, settings } of plan.settings) {
    updateSettings(target, target === GLOBAL ? host.global : (host.apps.get(target)?.settings ?? {}), settings);
  }
  for (const target of plan.destroy) destroyTarget(target);
  for (const { app, entry } of plan.adoptions) {
    const scope = entry.scope === '_default_' ? [] : ['--process', entry.scope];
    await dokkuOrFail(['docker-options:remove', ...scope, app, entry.phase, entry.option]);
    verbose(`Adopted the ${entry.phase} docker-option ${shellQuote(entry.option)} of ${app}: the plugin gives it now, so it is not given twice`);
  }
  for (const edit of plan.labels) {
    for (const name of edit.remove) await dokkuOrFail(['traefik:labels:remove', edit.app, name]);
    for (const [name, value] of Object.entries(edit.add)) await dokkuOrFail(['traefik:labels:add', edit.app, name, value]);
    writeRecord(join(targetDataDir(edit.app), 'labels'), edit.own);
    if (Object.keys(edit.add).length) verbose(`Pointed traefik at the bridge address for ${edit.app} (traefik:labels:show ${edit.app})`);
  }
  for (const { app, map } of plan.ports) {
    // written as the plugin moved it, without ports:set's nginx rebuild: the web container still runs on the moved port
    const record = readRedeploy(app);
    writePortMap(app, map);
    if (record) writeRedeploy(app, { ...record, written: [], before: [] });
    verbose(`Put ${app}'s ports map back as it was before its redeploys moved the web container (dokku ports:report ${app})`);
  }
  for (const { app, networking } of plan.k3s) {
    if (networking) installK3sComponent(app, networking);
    else removeK3sComponent(app);
  }
  if (plan.derive.length) {
    // The answers come from the settings as written, so the facts are read again for the apps they are written for.
    const fresh: HostFacts = { ...host, global: readSettings(GLOBAL), apps: new Map(host.apps) };
    for (const target of plan.destroy) fresh.apps.delete(target);
    // What was asked of Dokku and Docker for the snapshot (the proxy's routes) does not change with the settings.
    for (const target of plan.derive) {
      const asked = host.apps.get(target);
      if (target !== GLOBAL) fresh.apps.set(target, { ...appFacts(target), ...(asked && { vhost: asked.vhost, hostNetworkRunning: asked.hostNetworkRunning }) });
    }
    for (const target of plan.derive) writeAnswers(target, fresh, pidfile);
  }
  for (const warning of plan.warnings) warn(warning);
}
