import './app/sl-app.ts';
