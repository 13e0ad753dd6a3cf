export * from './ops-view.js';
