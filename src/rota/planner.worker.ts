/**
 * The planner's worker thread (started by PlanRunsService, one per plan): the rows in, the facts built, the model
 * written and solved with HiGHS, the proposal verified, the result out. Nothing here touches the database or the
 * API's event loop; the memory it may use is capped by the thread's resource limits (PLANNER_MEMORY_MB).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThread } from '../common/worker-module';
import { buildPlanFacts, PlanInputs } from './plan-facts';
import { inProcessSolver, plan, PlannerOptions, PlanResult, WasmModule } from './planner';

export interface PlannerWorkerData {
  inputs: PlanInputs;
  options: PlannerOptions;
  /** This thread's nice value (PLANNER_NICE). */
  nice: number;
  /** HiGHS, compiled once for the process (compiledHighs). */
  highs?: WasmModule;
}

export type PlannerWorkerMessage = { result: PlanResult } | { error: string };

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { inputs, options, nice, highs } = workerData as PlannerWorkerData;
  // Below the API's threads when the cores are busy (HiGHS runs on this thread too).
  lowerThisThread(nice);
  let message: PlannerWorkerMessage;
  try {
    const solve = await inProcessSolver(highs);
    message = { result: await plan(buildPlanFacts(inputs), solve, options) };
  } catch (err) {
    message = { error: String((err as Error)?.message ?? err) };
  }
  port.postMessage(message);
}

if (parentPort) void main(parentPort);
