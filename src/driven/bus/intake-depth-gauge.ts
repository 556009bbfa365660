import { Gauge, type Registry } from 'prom-client';

/**
 * The gauge `greenlane_intake_queue_depth{partition}` of a worker's or an API server's metrics:
 * intake messages not yet acknowledged per partition, read from the bus at each scrape (empty when
 * the bus does not answer, so a scrape never fails on it). Names: docs/SCALING.md, "Metrics".
 */
export function intakeDepthGauge(registers: Registry[], read: () => Promise<number[]>): void {
  new Gauge({
    name: 'greenlane_intake_queue_depth',
    help: 'Intake messages not yet acknowledged (waiting or in flight), read from the bus',
    labelNames: ['partition'],
    registers,
    async collect() {
      const depths = await read().catch(() => [] as number[]);
      this.reset();
      depths.forEach((d, p) => {
        this.set({ partition: String(p) }, d);
      });
    },
  });
}
