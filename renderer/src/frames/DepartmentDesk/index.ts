export { DepartmentDesk } from './DepartmentDesk';
