export const analysisRequests = {};
