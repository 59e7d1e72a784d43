import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthProvider } from './auth.jsx';
import { App } from './App.jsx';
import { authConfig, bucketConfig } from './config.js';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AuthProvider config={authConfig} bucket={bucketConfig}>
      <App />
    </AuthProvider>
  </StrictMode>,
);
