export { ItemWorkspace } from './ItemWorkspace';
