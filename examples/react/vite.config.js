import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Nothing here is for cognito-wasm: it needs no Vite configuration, in dev or in a build.
// Port 5173 for `vite` and `vite preview` alike: the emulator's demo app client lists
// http://localhost:5173/callback as a hosted-UI callback URL.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
