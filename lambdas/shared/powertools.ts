import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

// Module-scope singletons: created once per execution environment, reused by every invocation.
// Service name and metric namespace come from POWERTOOLS_* variables set by NodeFunction.
// No tracer: Lambda's active tracing records each invocation, and the SDK's recursion-detection
// middleware forwards the trace header on every call (docs/tracing.md).
export const logger = new Logger();
export const metrics = new Metrics();
