import type { Deps } from './context.ts';
import { clearCaches, currentTownship } from './context.ts';
import { recordAudit } from './audit.ts';
import type { SessionUser } from './auth.ts';
import { updateEvaluation } from '../store/townships.ts';
import { evaluationOf, type Evaluation } from '../domain/case-rates.ts';

// The township's own evaluation settings: how the score weighs 结案率, 按期结案率 and 返工率, and within how many
// hours an inspector is to re-inspect a rectification (按时核查).

export async function getEvaluation(deps: Deps): Promise<Evaluation> {
  return evaluationOf((await currentTownship(deps)).evaluation);
}

export async function setEvaluation(deps: Deps, actor: SessionUser, next: Evaluation): Promise<Evaluation> {
  const t = await currentTownship(deps);
  const before = evaluationOf(t.evaluation);
  await deps.store.db.transaction().execute(async (trx) => {
    await updateEvaluation(trx, t.id, JSON.stringify(next));
    await recordAudit(deps, trx, { townshipId: t.id, actor, action: 'township.evaluation', target: `township:${t.code}`, detail: { before, after: next } });
  });
  clearCaches(deps);
  return getEvaluation(deps);
}
