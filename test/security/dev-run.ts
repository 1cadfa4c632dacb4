import { runSuite } from './suite.ts';

const r = await runSuite({ mqttFuzz: 0, httpFuzz: 0, floodSeconds: 5, log: (l) => console.log(l) });
console.log(
  JSON.stringify({
    attacks: r.outcomes.length,
    refused: r.outcomes.filter((o) => o.refused).length,
    crashes: r.crashes,
    flood: r.flood,
  }),
);
