export * from './event-router.js';
