import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/charts/styles.css';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import { App, MediaApp } from './App';

// The hidden media window of the desktop app loads the same bundle with #media.
const root = createRoot(document.getElementById('root')!);
root.render(<StrictMode>{location.hash === '#media' ? <MediaApp /> : <App />}</StrictMode>);
