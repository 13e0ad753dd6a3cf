export * from './catalog.js';
export * from './envelope.js';
export * from './order-cancelled.js';
export * from './order-confirmed.js';
export * from './order-outcome.js';
export * from './order-placed.js';
export * from './order-status-changed.js';
export * from './sources.js';
