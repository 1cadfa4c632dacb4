// The shell signs the page in (a sign-in link, the kept token, or the form) before its views ask the hub anything.
import './app/sl-app.ts';
