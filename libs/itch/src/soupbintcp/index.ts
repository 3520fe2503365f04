export * from './packet';
export * from './framer';
export * from './session-options';
export * from './client-session';
export * from './server-session';
