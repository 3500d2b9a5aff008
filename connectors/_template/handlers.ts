/** The template connector's code: one exported function per operation. */
import type { ConnectorContext } from '../../engine/connectors/index.js'; // parley/connector-sdk in your copy
import type { GreetInput, GreetOutput, TemplateConfig } from './index.js';

export async function greet(input: GreetInput, ctx: ConnectorContext<TemplateConfig>): Promise<GreetOutput> {
  // Atomic counter in this connector's own collection: no read-modify-write race.
  const counter = await ctx.storage
    .collection('greetings')
    .findOneAndUpdate({ _id: input.name.toLowerCase() }, { $inc: { times: 1 }, $set: { lastAt: new Date(ctx.clock.now()).toISOString() } }, { upsert: true });
  const times = Number(counter?.times ?? 1);
  ctx.log.info('greeted', { count: times });
  return { text: `${ctx.config.greeting}, ${input.name}!`, times };
}
