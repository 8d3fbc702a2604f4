/** The database connectors by engine name. (Being built.) */
export interface Connectors {
  readonly engines: readonly string[];
}

export function createConnectors(): Connectors {
  return { engines: [] };
}
