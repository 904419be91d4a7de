/**
 * The conditions of a hand-written list query and their parameters, numbered as they are added.
 * `where.add('p.team = ?', team)`; every `?` in one condition stands for the same value.
 */
export class SqlWhere {
  readonly params: unknown[];
  private readonly parts: string[] = [];

  constructor(params: unknown[] = []) {
    this.params = params;
  }

  add(sql: string, value: unknown): this {
    this.params.push(value);
    this.parts.push(sql.replaceAll('?', `$${this.params.length}`));
    return this;
  }

  /** A parameter for use elsewhere in the statement (LIMIT, a keyset): its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** A condition with no parameter of its own. */
  raw(sql: string): this {
    this.parts.push(sql);
    return this;
  }

  /** `WHERE a AND b`, or nothing when there are no conditions. */
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}
