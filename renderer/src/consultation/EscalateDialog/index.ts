export { EscalateButton, EscalateDialog } from './EscalateDialog';
