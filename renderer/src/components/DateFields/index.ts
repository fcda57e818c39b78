export { ChineseDates, DateField, MonthField, TimeField, parseChineseDate } from './DateFields';
