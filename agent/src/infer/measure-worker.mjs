// Measures one runtime on a model in a short-lived child process, so the runtime not chosen never
// takes the agent's memory (loading the wasm runtime alone costs ~100 MB that is not given back).
// Plain JS: it loads no TypeScript.
process.once('message', async ({ runtime, model, inputName, dims, runs, threads }) => {
  try {
    const ort =
      runtime === 'onnxruntime-node' ? await import('onnxruntime-node') : await import('onnxruntime-web');
    if (runtime === 'onnxruntime-web') ort.env.wasm.numThreads = threads;
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [runtime === 'onnxruntime-node' ? 'cpu' : 'wasm'],
      graphOptimizationLevel: 'all',
      ...(runtime === 'onnxruntime-node' ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    });
    const size = dims.reduce((a, b) => a * b, 1);
    const feeds = { [inputName]: new ort.Tensor('float32', new Float32Array(size).fill(0.5), dims) };
    await session.run(feeds);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    await session.release();
    process.send({ ok: true, p50: times[Math.floor(times.length / 2)] });
  } catch (err) {
    process.send({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
