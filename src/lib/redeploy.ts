// Pure: how a host-mode web container is redeployed (docs/zero-downtime.md). Both containers share the host's ports,
// so the new one cannot bind the port the old one serves. Dokku keys everything downstream on the container port of
// the app's first port map: PORT for web containers, the checks' port, PORT.web.N and nginx's upstream
// (plugins/scheduler-docker-local/bin/scheduler-deploy-process-container, plugins/nginx-vhosts/templates/nginx.conf.sigil).
// So each redeploy moves that container port to the other port of a pair (5000 <-> 5001): the new container is
// checked on its own port while the old one serves, and nginx switches when the checks pass. An app that listens on
// a fixed port whatever PORT says cannot move: its redeploys stop the old container first (handoff.ts).
import type { PortInputs, PortMap } from './model';
import { webOnHost, type Config } from './properties';

/** RedeployRecord is what the plugin keeps about an app's redeploys (data/network-host/APP/redeploy). */
export interface RedeployRecord {
  /** base is the container port of the app's own map (ports:set, else the builder's, else Dokku's 5000). */
  base: number;
  /** written are the stored map lines the plugin wrote to move to base + 1; while the stored map is exactly these, the plugin owns it. */
  written: string[];
  /** before is the stored map those lines replaced (empty: the app had none), put back when the app returns to base. */
  before: string[];
  /** binds: 'port' once a new container listened on the PORT it was given; 'fixed' once one listened on fixedPort instead. */
  binds?: 'port' | 'fixed';
  fixedPort?: number;
  /** image is the image the 'fixed' finding was made with: a new image is tried again. */
  image?: string;
}

/** SwitchRecord is one redeploy moving ports (data/network-host/APP/switch), from scheduler-deploy until the new container is checked. */
export interface SwitchRecord {
  from: number;
  to: number;
  /** stored is the stored map before the move (null: none), and record the plugin's record then: both put back when the new container fails. */
  stored: string[] | null;
  record?: RedeployRecord;
  /** image is the image being deployed. */
  image: string;
  /** old is the web container serving on `from`; cid the new one, once created. */
  old: string;
  cid?: string;
}

const sameLines = (a: string[], b: string[]): boolean => a.length === b.length && a.every((line, i) => line === b[i]);

/** userMap is the stored map as the user left it: the plugin's own lines stand for the ones they replaced. */
export const userMap = (stored: string[], record: RedeployRecord | undefined): string[] =>
  record && record.written.length > 0 && sameLines(stored, record.written) ? record.before : stored;

/** ownsMap tells whether the stored map is the plugin's move to base + 1. */
export const ownsMap = (stored: string[], record: RedeployRecord | undefined): boolean => Boolean(record && record.written.length > 0 && sameLines(stored, record.written));

/** pairOf is the two container ports an app's web container alternates between. */
export const pairOf = (base: number): [number, number] => [base, base + 1];

export interface RedeployFacts {
  config: Config | undefined;
  scheduler: string;
  checksDisabled: boolean;
  webScale: number;
  /** ports are the maps Dokku answers with the user's own map (userMap), not the plugin's move. */
  ports: PortMap[];
  record?: RedeployRecord;
  /** image is the image about to be deployed (a 'fixed' finding holds for its own image only). */
  image?: string;
  /** base overrides the first container port of `ports` (the report reads the maps as they are, moved or not). */
  base?: number;
}

/** Way is how the app's next redeploy goes: zero downtime between the ports of a pair, stop-first, or Dokku's own. */
export type Way = { kind: 'alternate'; base: number } | { kind: 'stop-first'; why: string } | { kind: 'dokku' };

/** redeployWay decides, from what is known before a deploy, how a web redeploy goes. */
export function redeployWay(f: RedeployFacts): Way {
  if (!webOnHost(f.config) || f.scheduler !== 'docker-local' || f.webScale < 1) return { kind: 'dokku' };
  if (f.checksDisabled) return { kind: 'stop-first', why: 'checks are disabled for web, so Dokku stops the old container first' };
  const first = f.ports.find((m) => m.scheme !== 'udp')?.container;
  if (first === undefined) return { kind: 'stop-first', why: 'it has no tcp port map' };
  const base = f.base ?? first;
  const others = [...new Set(f.ports.map((m) => m.container).filter((p) => p !== first))];
  if (others.length) return { kind: 'stop-first', why: `it listens on more than one container port (${[base, ...others].join(', ')}), and Dokku gives a container one PORT` };
  if (f.ports.some((m) => m.scheme === 'udp')) return { kind: 'stop-first', why: `its udp map binds port ${base} itself, whatever PORT says` };
  const r = f.record;
  if (r?.binds === 'fixed' && r.base === base && (f.image === undefined || r.image === f.image)) {
    return { kind: 'stop-first', why: `its web container listens on port ${r.fixedPort ?? base} whatever PORT says (found at a redeploy)` };
  }
  return { kind: 'alternate', base };
}

/** Move is what scheduler-deploy does to the ports map before the new web container is created. */
export type Move =
  /** alternate: the new container gets `to` while the old one serves `from`; map is the stored map to write (null: none). */
  | { kind: 'alternate'; from: number; to: number; map: string[] | null; record: RedeployRecord }
  /** stop-first: the old container stops right before the new one starts (handoff.ts); the map stays as it is. */
  | { kind: 'stop-first'; why: string }
  /** fresh: no host-mode web container serves: the new one takes the user's port; map restores the user's (when the plugin's). */
  | { kind: 'fresh'; map?: string[] | null }
  | { kind: 'dokku' };

export interface MoveInput {
  way: Way;
  /** stored is the stored map now, detected and the proxy ports the rest of what `ports-get` reads. */
  stored: string[];
  inputs: Omit<PortInputs, 'map'>;
  record?: RedeployRecord;
  /** serving is the PORT of the web container that serves now with host networking (undefined: none does). */
  serving?: number;
  /** held tells whether a port is held on the host by anything but the serving container. */
  held: (port: number) => boolean;
}

/** movedLines are the user's map lines (else the builder's, else Dokku's default) with container port `from` as `to`. */
export function movedLines(user: string[], inputs: Omit<PortInputs, 'map'>, from: number, to: number): string[] {
  const source = user.length ? user : inputs.detected.length ? inputs.detected : [`http:${inputs.proxyPort || 80}:5000`];
  // sorted, one map a line, as Dokku's setPortMaps stores them (plugins/ports/functions.go)
  return source
    .join(' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const parts = word.split(':');
      return parts.length === 3 && parts[2] === String(from) ? `${parts[0]}:${parts[1]}:${to}` : word;
    })
    .sort();
}

/** planMove decides the container port of the next web container, and the map that gives it. */
export function planMove({ way, stored, inputs, record, serving, held }: MoveInput): Move {
  if (way.kind === 'dokku') return { kind: 'dokku' };
  const user = userMap(stored, record);
  const restore = ownsMap(stored, record) ? (user.length ? user : null) : undefined;
  if (way.kind === 'stop-first') return { kind: 'stop-first', why: way.why };
  const [base, alternate] = pairOf(way.base);
  // nothing of the app's holds a host port: the new container takes the user's port
  if (serving === undefined) return { kind: 'fresh', map: restore };
  const to = serving === base ? alternate : base;
  if (held(to)) {
    return { kind: 'stop-first', why: `port ${to}, the other port of its pair (${base}, ${alternate}), is held by another program` };
  }
  const map = to === base ? (restore === undefined ? stored : restore) : movedLines(user, inputs, base, alternate);
  const written = to === base ? [] : map ?? [];
  return {
    kind: 'alternate',
    from: serving,
    to,
    map: map === null || map.length === 0 ? null : map,
    record: { ...record, base, written, before: to === base ? [] : user },
  };
}

/** redeployNote is the report's and enable's line: which way the app's redeploys go, and why. */
export function redeployNote(way: Way, record: RedeployRecord | undefined, current: number | undefined): string {
  if (way.kind === 'dokku') return "Dokku's own";
  if (way.kind === 'stop-first') {
    return `stop-first: ${way.why}; the old web container stops right before the new one starts, an outage while it boots and passes its checks (it starts again if the new one fails)`;
  }
  const [base, alternate] = pairOf(way.base);
  const now = current === undefined ? '' : ` (now ${current})`;
  const binds = record?.binds === 'port' ? '' : '; the first one finds out whether the app listens on $PORT, and stops the old container first if it does not';
  return `zero downtime: each redeploy starts the new web container on the other port of the pair ${base}/${alternate}${now} while the old one serves; nginx switches when it passes its checks${binds}`;
}
