/**
 * Runs an action list — `onStart`, the `onEnter`s of the stages just entered
 * (outermost group first), `onEnd` — strictly in order: a `set` applies at
 * once; a `run` issues its `tool.run` and the list waits for its `tool.result`
 * (the caller resumes it with `resumeActions`). Progress lives in the
 * interpreter state, so a snapshot taken while waiting resumes correctly.
 */
import type { CompiledAction } from '../flow/compiled-flow.js';
import { assignValues, type CallRuntime, varsOf } from './call-runtime.js';
import type { ActionProgress } from './interpreter-state.js';
import { startToolRun } from './start-tool-run.js';

export type ActionsOutcome = 'waiting' | 'done';

function actionsOf(rt: CallRuntime, progress: ActionProgress): readonly CompiledAction[] {
  switch (progress.list) {
    case 'onStart':
      return rt.compiled.onStart;
    case 'onEnd':
      return rt.compiled.onEnd;
    case 'onEnter':
      return rt.compiled.stages.get(progress.stages[progress.stageIndex]!)?.onEnter ?? [];
  }
}

export function runActions(rt: CallRuntime, progress: ActionProgress): ActionsOutcome {
  if (progress.waitingFor !== undefined) return 'waiting';
  for (;;) {
    const list = actionsOf(rt, progress);
    if (progress.actionIndex >= list.length) {
      if (progress.list === 'onEnter' && progress.stageIndex + 1 < progress.stages.length) {
        progress.stageIndex += 1;
        progress.actionIndex = 0;
        continue;
      }
      return 'done';
    }
    const action = list[progress.actionIndex]!;
    if (action.kind === 'set') {
      assignValues(rt, rt.writer.evaluateAssignments(action.assignments, varsOf(rt), {}, rt.clock.now()));
      progress.actionIndex += 1;
      continue;
    }
    rt.state.nextRunId += 1;
    const callId = `${progress.list}-${rt.state.nextRunId}`;
    startToolRun(rt, rt.compiled.tools.get(action.tool)!, { callId, origin: progress.list, modelArgs: {}, actionArgs: action.args });
    progress.waitingFor = callId;
    return 'waiting';
  }
}

/** Marks the awaited run as finished; the caller then runs the list on. Returns false when `callId` is not the one awaited. */
export function resumeActions(progress: ActionProgress | null | undefined, callId: string): progress is ActionProgress {
  if (!progress || progress.waitingFor !== callId) return false;
  progress.waitingFor = undefined;
  progress.actionIndex += 1;
  return true;
}
