export * from './kafka-consumer.js';
export * from './kafka-log.js';
