// The tape: values as nodes, recording, the modes, and the backward pass, one file each in tape/.
export * from './tape/node.ts';
export * from './tape/modes.ts';
export { userSite } from './tape/site.ts';
export * from './tape/record.ts';
export * from './tape/backward.ts';
