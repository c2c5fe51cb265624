export * from './consumers';
export * from './events';
export * from './messages';
