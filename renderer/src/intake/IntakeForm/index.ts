export { IntakeForm, validateIntake, emptyIntake, type IntakeDraft } from './IntakeForm';
