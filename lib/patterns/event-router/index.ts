export * from './bus-publishers.js';
export * from './event-router.js';
export * from './event-schema-registry.js';
