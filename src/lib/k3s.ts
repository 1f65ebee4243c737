// Placeholder until the k3s component module lands (its PodNetworking input is all the pipeline needs).
export interface PodNetworking {
  app: string;
  mode: 'host' | 'gateway';
  aliases: string[];
  address?: string;
  node?: string;
}
