// Effects: the plugin's Kustomize component in an app's k3s kustomize roots (placeholder until the k3s module lands).
import type { PodNetworking } from './k3s';

export function installK3sComponent(_app: string, _networking: PodNetworking): void {}
export function removeK3sComponent(_app: string): void {}
export async function k3sPostExtract(_app: string, _sourceDir: string): Promise<void> {}
