export { MonthlyList } from './MonthlyList';
