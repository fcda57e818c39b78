export { DepartmentSelect, departmentOptions } from './DepartmentSelect';
