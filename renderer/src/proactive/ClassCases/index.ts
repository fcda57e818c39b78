export { ClassCases } from './ClassCases';
export { ClassCaseWorkspace } from './ClassCaseWorkspace';
export { CreateClassCase } from './CreateClassCase';
export { ClassCaseNotice } from './ClassCaseNotice';
