/**
 * Amazon States Language (JSONPath) definitions as the templates render them: parsing a
 * `DefinitionString` and following one execution through it. Shared by the CDK tests and the
 * cost model (npm run cost), which counts the states each path enters.
 */

/** A Choice rule of an Amazon States Language (JSONPath) definition. */
export interface AslChoiceRule {
  readonly Variable?: string;
  readonly Next?: string;
  readonly And?: readonly AslChoiceRule[];
  readonly Or?: readonly AslChoiceRule[];
  readonly Not?: AslChoiceRule;
  readonly [operator: string]: unknown;
}

export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

export interface AslCatcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

/** A state of a definition, with the fields the tests and the cost model read. */
export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Choices?: readonly AslChoiceRule[];
  readonly Default?: string;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
  readonly TimeoutSeconds?: number;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly ResultPath?: string | null;
  readonly OutputPath?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
  readonly [field: string]: unknown;
}

export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
  readonly [field: string]: unknown;
}

/** What `parseDefinitionString` writes where the definition holds a token, by default. */
export const TOKEN_PLACEHOLDER = '<token>';

/**
 * The logical id a `Ref` or `Fn::GetAtt` token points at, else `TOKEN_PLACEHOLDER`. Pass it to
 * `parseDefinitionString` to see which resource, e.g. which function, a Task state invokes.
 */
export function logicalIdOfToken(token: unknown): string {
  if (typeof token === 'object' && token !== null) {
    const ref = (token as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') return ref;
    const getAtt = (token as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return TOKEN_PLACEHOLDER;
}

/**
 * The state machine definition of a `DefinitionString` as a template renders it: a JSON string,
 * or an `Fn::Join` with '' of JSON text and tokens (function ARNs, parameters). Each token
 * becomes `placeholder` (a string, or what the function makes of the token): inside a JSON
 * string it is written escaped, elsewhere (a number position) as a JSON string.
 */
export function parseDefinitionString(
  definitionString: unknown,
  placeholder: string | ((token: unknown) => string) = TOKEN_PLACEHOLDER,
): StateMachineDefinition {
  if (typeof definitionString === 'string') return JSON.parse(definitionString) as StateMachineDefinition;
  const join = (definitionString as { 'Fn::Join'?: unknown } | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) {
    throw new Error(`Not a DefinitionString: ${JSON.stringify(definitionString)}`);
  }
  let text = '';
  let inString = false; // whether the text so far ends inside a JSON string
  for (const part of join[1] as unknown[]) {
    if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) {
        if (part[i] === '\\') i++;
        else if (part[i] === '"') inString = !inString;
      }
      text += part;
    } else {
      const value = typeof placeholder === 'string' ? placeholder : placeholder(part);
      text += inString ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value);
    }
  }
  return JSON.parse(text) as StateMachineDefinition;
}

/** A definition's state by name (fails if there is none). */
export function stateOf(definition: StateMachineDefinition, name: string): AslState {
  const state = definition.States[name];
  if (!state) throw new Error(`No state '${name}' in ${Object.keys(definition.States).join(', ')}`);
  return state;
}

/** Stands for a Task that fails for good (after its retries) in `traceExecution`. */
export const FAULT = Symbol('fault');
/** What a Task returns in `traceExecution`, or `FAULT`. */
export type TaskResult = Readonly<Record<string, unknown>> | typeof FAULT;

export interface ExecutionTrace {
  /** The states entered, in order, the final one included. */
  readonly states: readonly string[];
  /** The Task states entered, in order. */
  readonly tasks: readonly string[];
  /** The final state's name (a Succeed or Fail state, or a state with End). */
  readonly end: string;
  /** The state's data when the execution ended. */
  readonly output: unknown;
}

/**
 * Follows one execution through a JSONPath definition, the way Step Functions would, for
 * tests that read the paths a definition takes. Task states return `results[name]` (default
 * `{ outcome: 'OK' }`), or fail for good with `FAULT`: then their first catcher of
 * `States.ALL` or `States.TaskFailed` is taken, as once their retries ran out. Choice rules
 * support And/Or/Not, IsPresent, StringEquals, BooleanEquals and NumericEquals; a comparison
 * on a missing path fails as Step Functions does (States.Runtime). Pass states apply their
 * `Parameters` (with `.$` paths) at their `ResultPath`; a Succeed state its `OutputPath`.
 * Paths are `$` or `$.a.b`.
 */
export function traceExecution(
  definition: StateMachineDefinition,
  results: Readonly<Record<string, TaskResult>> = {},
  input: unknown = {},
): ExecutionTrace {
  const states: string[] = [];
  const tasks: string[] = [];
  let data: unknown = structuredClone(input);
  let name: string | undefined = definition.StartAt;
  while (name !== undefined) {
    if (states.length > 1000) throw new Error(`No end after 1000 states: ${states.slice(-10).join(' → ')}`);
    const state = stateOf(definition, name);
    states.push(name);
    const current: string = name;
    name = undefined;
    switch (state.Type) {
      case 'Task': {
        tasks.push(current);
        const result = results[current] ?? { outcome: 'OK' };
        if (result === FAULT) {
          const catcher = state.Catch?.find((c) =>
            c.ErrorEquals.some((e) => e === 'States.ALL' || e === 'States.TaskFailed'),
          );
          if (!catcher) return { states, tasks, end: current, output: data };
          data = applyResultPath(data, catcher.ResultPath, { Error: 'Error', Cause: `${current} failed` });
          name = catcher.Next;
        } else {
          data = applyResultPath(data, state.ResultPath, structuredClone(result));
          name = state.Next;
        }
        break;
      }
      case 'Pass': {
        const result = state.Parameters === undefined ? data : resolveParameters(state.Parameters, data);
        data = applyResultPath(data, state.ResultPath, result);
        name = state.Next;
        break;
      }
      case 'Choice': {
        const rule = state.Choices?.find((r) => evaluateChoiceRule(r, data));
        name = rule?.Next ?? state.Default;
        if (name === undefined) throw new Error(`States.NoChoiceMatched in '${current}'`);
        break;
      }
      case 'Succeed':
        if (state.OutputPath !== undefined) data = readPath(data, state.OutputPath).value;
        break;
      case 'Fail':
        break;
      default:
        throw new Error(`traceExecution does not follow ${state.Type} states ('${current}')`);
    }
    if (name === undefined) return { states, tasks, end: current, output: data };
  }
  throw new Error('unreachable');
}

function pathSegments(path: string): string[] {
  if (path === '$') return [];
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path))
    throw new Error(`traceExecution reads only $.a.b paths, got ${path}`);
  return path.slice(2).split('.');
}

function readPath(data: unknown, path: string): { found: boolean; value: unknown } {
  let value = data;
  for (const segment of pathSegments(path)) {
    if (typeof value !== 'object' || value === null || !(segment in value))
      return { found: false, value: undefined };
    value = (value as Record<string, unknown>)[segment];
  }
  return { found: true, value };
}

function applyResultPath(data: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return data;
  const segments = pathSegments(resultPath ?? '$');
  const last = segments.pop();
  if (last === undefined) return result;
  const root = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  let node = root;
  for (const segment of segments) {
    const child = node[segment];
    node[segment] = typeof child === 'object' && child !== null ? child : {};
    node = node[segment] as Record<string, unknown>;
  }
  node[last] = result;
  return root;
}

function resolveParameters(parameters: Record<string, unknown>, data: unknown): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$')) {
      const { found, value: read } = readPath(data, String(value));
      if (!found)
        throw new Error(`States.Runtime: the path ${String(value)} of '${key}' is not in the input`);
      resolved[key.slice(0, -2)] = read;
    } else {
      resolved[key] =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? resolveParameters(value as Record<string, unknown>, data)
          : value;
    }
  }
  return resolved;
}

function evaluateChoiceRule(rule: AslChoiceRule, data: unknown): boolean {
  if (rule.And) return rule.And.every((r) => evaluateChoiceRule(r, data));
  if (rule.Or) return rule.Or.some((r) => evaluateChoiceRule(r, data));
  if (rule.Not) return !evaluateChoiceRule(rule.Not, data);
  if (rule.Variable === undefined) throw new Error(`Choice rule without Variable: ${JSON.stringify(rule)}`);
  const { found, value } = readPath(data, rule.Variable);
  if ('IsPresent' in rule) return found === rule.IsPresent;
  if (!found) throw new Error(`States.Runtime: Invalid path '${rule.Variable}' in a Choice rule`);
  if ('StringEquals' in rule) return typeof value === 'string' && value === rule.StringEquals;
  if ('BooleanEquals' in rule) return typeof value === 'boolean' && value === rule.BooleanEquals;
  if ('NumericEquals' in rule) return typeof value === 'number' && value === rule.NumericEquals;
  throw new Error(`traceExecution does not evaluate ${JSON.stringify(rule)}`);
}
