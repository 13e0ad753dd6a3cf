export * from './fan-out-topic.js';
