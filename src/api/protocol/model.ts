/**
 * The vendored DMS model at run time. The validator and serializer walk its shapes, so one
 * piece of code serves all 119 operations.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MemberRef {
  readonly shape: string;
}
export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly union?: boolean;
  readonly sensitive?: boolean;
  readonly exception?: boolean;
  readonly timestampFormat?: string;
}
export interface ServiceModel {
  readonly metadata: { readonly targetPrefix: string; readonly signingName?: string; readonly endpointPrefix: string };
  readonly shapes: Readonly<Record<string, Shape>>;
}

const modelPath = fileURLToPath(new URL('../../../model/service-2.json', import.meta.url));
export const serviceModel: ServiceModel = JSON.parse(readFileSync(modelPath, 'utf8')) as ServiceModel;

export function shapeOf(name: string): Shape {
  const s = serviceModel.shapes[name];
  if (!s) throw new Error(`shape ${name} is not in the model`);
  return s;
}
