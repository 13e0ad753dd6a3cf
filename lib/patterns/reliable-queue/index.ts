export * from './reliable-queue.js';
