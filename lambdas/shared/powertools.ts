import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// Module-scope singletons: created once per execution environment, reused by every invocation.
// Service name and metric namespace come from POWERTOOLS_* variables set by NodeFunction.
export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();
