export { MonthlyAnalysis, monthOptions } from './MonthlyAnalysis';
