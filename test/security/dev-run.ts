import { runSuite } from './suite.ts';

const r = await runSuite({
  mqttFuzz: Number(process.argv[2] ?? 500),
  httpFuzz: Number(process.argv[3] ?? 200),
  floodSeconds: 5,
  log: (l) => {
    if (!l.startsWith('refused')) console.log(l);
  },
});
console.log(
  JSON.stringify({
    attacks: r.outcomes.length,
    refused: r.outcomes.filter((o) => o.refused).length,
    fuzz: r.fuzzInputs,
    crashes: r.crashes,
    notes: r.crashNotes,
    flood: r.flood,
  }),
);
