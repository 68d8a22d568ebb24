/**
 * A `/healthz` prober in its own process, as a kubelet is: it asks `process.argv[2]` every 25 ms on
 * a fresh connection until its parent sends "stop", then sends back every latency (ms). The bench's
 * own process hosts the fake GitHub, whose work would otherwise be timed as Courier's.
 * Plain JavaScript so it starts without a TypeScript loader.
 */
import { request } from 'node:http';

const url = new URL(process.argv[2]);
const latencies = [];
let probing = true;

process.on('message', (message) => {
  if (message === 'stop') probing = false;
});

function probe() {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    request({ host: url.hostname, port: url.port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - start));
    })
      .on('error', reject)
      .end();
  });
}

process.send?.('ready');
while (probing) {
  latencies.push(await probe());
  await new Promise((resolve) => setTimeout(resolve, 25));
}
process.send?.({ latencies }, () => process.disconnect());
