export { ReportPanel, ReportPreview } from './ReportPanel';
