/**
 * Asks `ask` once about the entries of `questions` that are defined (in their order) and puts each answer back at
 * its entry's index: `true` only where the entry was asked about and answered `true` (an answer missing from a
 * shorter reply counts as `false`), `false` at every undefined entry. `ask` is not called when no entry is defined.
 * A rejection of `ask` is the returned promise's.
 *
 * For a question that concerns part of a list (e.g. "which of this page's records do you hold?", asked only about
 * the records that can be identified), answered by position, without each caller keeping its own map from the
 * answers back to the list.
 */
export async function askSome<Q>(
  questions: ReadonlyArray<Q | undefined>,
  ask: (asked: Q[]) => Promise<readonly boolean[]>,
): Promise<boolean[]> {
  const asked: Q[] = [];
  const at: number[] = [];
  for (let i = 0; i < questions.length; i++) {
    const question = questions[i];
    if (question === undefined) continue;
    asked.push(question);
    at.push(i);
  }
  const out: boolean[] = new Array(questions.length).fill(false);
  if (asked.length === 0) return out;
  const answers = await ask(asked);
  for (let j = 0; j < at.length; j++) if (answers[j] === true) out[at[j]!] = true;
  return out;
}
