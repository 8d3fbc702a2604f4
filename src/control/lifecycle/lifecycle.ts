/**
 * A lifecycle is a table of the status moves a resource may make. Services change a status
 * only through `move`, so an illegal move is always InvalidResourceStateFault with a message
 * that names the state and what would be allowed.
 */
import { invalidState } from '../shared/faults.js';

export class Lifecycle<S extends string> {
  constructor(
    readonly resource: string,
    private readonly moves: Readonly<Record<S, readonly S[]>>,
  ) {}

  can(from: S, to: S): boolean {
    return (this.moves[from] ?? []).includes(to);
  }

  /** Returns `to` when `from -> to` is allowed; otherwise throws InvalidResourceStateFault. */
  move(from: S, to: S, id: string, action: string): S {
    if (!this.can(from, to)) {
      const ok = (Object.keys(this.moves) as S[]).filter((s) => this.can(s, to));
      throw invalidState(
        `Cannot ${action} ${this.resource} ${id}: its status is ${from}. ${action[0]!.toUpperCase()}${action.slice(1)} is possible when the status is ${ok.join(' or ') || 'never'}.`,
      );
    }
    return to;
  }
}
