// The pure domain rules, for main and renderer alike. Nothing here touches Node, the DOM or the store.
export * from './appeal';
export * from './roles';
export * from './china-time';
export * from './working-days';
export * from './calendar-cn';
export * from './deadlines';
export * from './ticket-lifecycle';
export * from './ticket-events';
export * from './kpi';
export * from './phone';
export * from './caller-privacy';
export * from './agent-state';
export * from './geo';
export * from './taxonomy';
export * from './password';
