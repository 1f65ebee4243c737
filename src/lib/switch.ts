// Effects: zero-downtime redeploys of host-mode web containers (redeploy.ts decides; docs/zero-downtime.md).
//   scheduler-deploy  moves the app's container port to the other port of its pair, in the ports map, before Dokku
//                     reads it for the new container (network-host sorts before scheduler-docker-local in plugn's order)
//   check-deploy      runs before Dokku's checks: waits until the new container listens on its port. An app that never
//                     does (it listens on a fixed port) gets the map back and today's stop-first hand-off, in this deploy
//   scheduler-register-retired  a new container that failed puts the map back: the old one serves on, as before
// The map is written as Dokku's setPortMaps writes it (plugins/ports/functions.go), not with ports:set, whose
// post-proxy-ports-update would point nginx at the new port before anything listens there.
import { join } from 'path';
import { appWebContainers, inspectRunning, type Running } from './docker';
import { docker } from './exec';
import { appContainerIds, appFacts, hostListeners, portStore, readRedeploy } from './gather';
import { handOff, withStopTimeout } from './handoff';
import { info1, verbose, warn } from './log';
import { PluginError } from './errors';
import { pairOf, planMove, redeployWay, userMap, type Move, type RedeployRecord, type SwitchRecord } from './redeploy';
import { GLOBAL, tryResolve } from './properties';
import { libRoot, readSettings, readText, removePath, targetDataDir, writeFileAtomic, dataDir, listDir } from './store';
import { portMaps } from './model';

/** WATCH_MS bounds the wait for a new web container to listen on its port (Dokku's default wait-to-retire is as long). */
const WATCH_MS = Number(process.env.NETWORK_HOST_LISTEN_WAIT_MS) || 60_000;
const POLL_MS = 200;

const recordPath = (app: string): string => join(targetDataDir(app), 'redeploy');
const switchPath = (app: string): string => join(targetDataDir(app), 'switch');
const mapPath = (app: string): string => join(libRoot(), 'config', 'ports', app, 'map');

export function writeRedeploy(app: string, record: RedeployRecord): void {
  writeFileAtomic(recordPath(app), `${JSON.stringify(record)}\n`);
}

function readSwitch(app: string): SwitchRecord | undefined {
  try {
    return (JSON.parse(readText(switchPath(app)) ?? 'null') as SwitchRecord | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/** writePortMap stores the ports map as Dokku's PropertyListWrite does (one map a line, 0600); null deletes it (ports:clear). */
export function writePortMap(app: string, map: string[] | null): void {
  if (map === null) removePath(mapPath(app));
  else writeFileAtomic(mapPath(app), map.map((line) => `${line}\n`).join(''));
}

const listening = (port: number): boolean => hostListeners().some((s) => s.port === port);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** serving is the app's web container that runs with host networking now (the one Dokku records as CONTAINER.web.N). */
async function serving(app: string): Promise<Running | undefined> {
  return (await inspectRunning(appContainerIds(app, 'web'))).find((c) => c.running && c.host);
}

/** stopRetirees stops the app's old web containers still running on a port the next one needs (a redeploy within wait-to-retire). */
async function stopRetirees(app: string, port: number, keep: string | undefined): Promise<void> {
  // A container still named APP.web.N.upcoming-* is another deploy's new one, not a retiree
  // (plugins/scheduler-docker-local/bin/scheduler-deploy-process-container names it so until core-post-deploy renames it).
  const retirees = (await inspectRunning(await appWebContainers(app))).filter((c) => c.running && c.host && c.id !== keep && c.port === port && !c.name.includes('.upcoming-'));
  for (const retiree of retirees) {
    verbose(`Host networking: stopping ${app}'s retiring web container ${retiree.id.slice(0, 12)} now: it holds port ${port}, which the new one needs`);
    await docker(['container', 'update', '--restart=no', retiree.id]);
    await withStopTimeout(app, 'stop', retiree.id);
  }
}

/**
 * imageId is the ID of the image a deploy starts, as get_deploying_app_image_name names it without a registry
 * (dokku/APP:TAG, plugins/common/functions); unknown (a registry's repository), a 'fixed' finding holds.
 */
async function imageId(app: string, tag: string): Promise<string | undefined> {
  const result = await docker(['image', 'inspect', '--format', '{{.Id}}', `dokku/${app}:${tag || 'latest'}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** prepareRedeploy is scheduler-deploy's part: the container port the new web container gets. Called under the lock. */
export async function prepareRedeploy(app: string, tag: string, proc: string): Promise<boolean> {
  removePath(switchPath(app));
  if (proc && proc !== 'web') return false;
  const facts = appFacts(app);
  const config = tryResolve(facts.settings, readSettings(GLOBAL)).config;
  const { stored, ...inputs } = portStore(app);
  const record = facts.redeploy;
  const image = await imageId(app, tag);
  const way = redeployWay({
    config,
    scheduler: facts.scheduler,
    checksDisabled: facts.checksDisabled,
    webScale: facts.scale.web ?? 1,
    ports: portMaps({ ...inputs, map: userMap(stored, record) }),
    record,
    image,
  });
  if (way.kind === 'dokku') return false;
  const current = await serving(app);
  const plan = (): Move => planMove({ way, stored, inputs, record, serving: current?.port, held: listening });
  let move = plan();
  if (move.kind === 'stop-first' && way.kind === 'alternate' && current?.port !== undefined) {
    // the port it needs may be held by the app's previous web container, still draining within wait-to-retire
    const [base, alternate] = pairOf(way.base);
    await stopRetirees(app, current.port === base ? alternate : base, current.id);
    move = plan();
  }
  if (move.kind === 'fresh') {
    if (move.map !== undefined) {
      writePortMap(app, move.map);
      if (record) writeRedeploy(app, { ...record, written: [], before: [] });
    }
    return move.map !== undefined;
  }
  if (move.kind === 'stop-first') {
    if (way.kind === 'alternate') warn(`Host networking: ${app}'s redeploy stops the old web container first: ${move.why}`);
    return false;
  }
  if (move.kind !== 'alternate' || !current) return false;
  const sw: SwitchRecord = { from: move.from, to: move.to, stored: readText(mapPath(app)) === undefined ? null : stored, record, image: image ?? '', old: current.id };
  writeFileAtomic(switchPath(app), `${JSON.stringify(sw)}\n`);
  writePortMap(app, move.map);
  writeRedeploy(app, move.record);
  info1(`Host networking: the new web container gets port ${move.to}; the old one serves on port ${move.from} until the new one passes its checks`);
  return true;
}

/** putBack restores the map a switch started from. */
function putBack(app: string, sw: SwitchRecord): void {
  writePortMap(app, sw.stored);
  // what the plugin owned of the map then; what it learnt since (binds) stays
  const now = readRedeploy(app);
  if (sw.record) writeRedeploy(app, { ...sw.record, binds: now?.binds ?? sw.record.binds, fixedPort: now?.fixedPort ?? sw.record.fixedPort, image: now?.image ?? sw.record.image });
  else if (now) writeRedeploy(app, { ...now, written: [], before: [] });
  removePath(switchPath(app));
}

/**
 * watchNewContainer is check-deploy's part (`check-deploy APP CID PROC PORT IP INDEX`): the new web container must
 * listen on its port before Dokku's checks pass it, or nginx would switch to a port nobody listens on.
 */
export async function watchNewContainer(app: string, cid: string, proc: string, port: string, index = '1'): Promise<void> {
  const sw = readSwitch(app);
  if (proc !== 'web' || !sw || String(sw.to) !== port || !sw.cid || !(cid.startsWith(sw.cid) || sw.cid.startsWith(cid))) return;
  let [state] = await inspectRunning([cid]);
  // a record left by a deploy that never got this far, the app since moved off the host network: not a switch
  if (state && !state.host) return removePath(switchPath(app));
  const record = readRedeploy(app);
  const deadline = Date.now() + WATCH_MS;
  for (;;) {
    if (listening(sw.to)) {
      if (record && record.binds !== 'port') writeRedeploy(app, { ...record, binds: 'port', fixedPort: undefined, image: undefined });
      return;
    }
    [state] = await inspectRunning([cid]);
    if (!state?.running || state.restarts > 0 || Date.now() > deadline) break;
    await sleep(POLL_MS);
  }
  const what = !state ? 'is gone' : !state.running || state.restarts > 0 ? 'stopped' : `did not listen within ${Math.round(WATCH_MS / 1000)} s`;
  if (record?.binds === 'port') {
    // It has listened on its PORT before: this release is broken, not the way it binds. The old container serves on.
    throw new PluginError(`The new web container of ${app} ${what} before listening on port ${sw.to} (its PORT); the old one serves on port ${sw.from}`);
  }
  await fallBack(app, cid, sw, what, `web.${index}`);
}

/** fallBack: the new container did not listen on its PORT. Today's hand-off, in this deploy: map back, old stopped, new restarted. */
async function fallBack(app: string, cid: string, sw: SwitchRecord, what: string, dyno: string): Promise<void> {
  putBack(app, sw);
  if (sw.old) await handOff(app, cid, sw.old, dyno);
  await withStopTimeout(app, 'restart', cid);
  // With the old container stopped, the new one binds its fixed port: the one the old container held (its PORT, and
  // so the map's), or, if it was slow after all, the one it was given. Other ports' listeners may be anyone's.
  const deadline = Date.now() + WATCH_MS;
  let found: number | undefined;
  while (Date.now() < deadline) {
    found = [sw.from, sw.to].find(listening);
    const [state] = await inspectRunning([cid]);
    if (found !== undefined || !state?.running) break;
    await sleep(POLL_MS);
  }
  const record = readRedeploy(app);
  if (record && found !== undefined) {
    writeRedeploy(app, found === sw.to ? { ...record, binds: 'port' } : { ...record, binds: 'fixed', fixedPort: found, image: sw.image || undefined });
  }
  const listensOn = found === undefined || found === sw.to ? '' : `; it listens on port ${found} whatever PORT says`;
  warn(
    `Host networking: ${app}'s new web container ${what} before listening on port ${sw.to} (its PORT)${listensOn}. ` +
      `So this redeploy stopped the old container first: ${app} was down while the new one started. Make the app listen on $PORT for redeploys without downtime`,
  );
}

/** recordNewContainer is post-container-create's part for a switching deploy: the new web container, for the checks and a failure. */
export function recordNewContainer(app: string, cid: string): boolean {
  const sw = readSwitch(app);
  if (!sw) return false;
  writeFileAtomic(switchPath(app), `${JSON.stringify({ ...sw, cid })}\n`);
  return true;
}

/**
 * switchRetired is scheduler-register-retired's part. A failed new container (Dokku's kill_new passes no app) puts the
 * map back, so the old container serves on, and nginx is never pointed at the failed one's port; the old container
 * retiring means the switch is done.
 */
export function switchRetired(cid: string): void {
  for (const app of listDir(dataDir())) {
    const sw = readSwitch(app);
    if (!sw) continue;
    if (sw.cid && (cid.startsWith(sw.cid) || sw.cid.startsWith(cid))) {
      putBack(app, sw);
      warn(`The new web container of ${app} failed; the old one serves on port ${sw.from}, and ${app}'s ports are as they were`);
    } else if (sw.old && (cid.startsWith(sw.old) || sw.old.startsWith(cid))) {
      removePath(switchPath(app));
    }
  }
}
