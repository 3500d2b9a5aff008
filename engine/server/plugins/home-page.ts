/**
 * `GET /`: what a person who opens the server in a browser needs — where the
 * API documentation, the health check and the example flows are. Public and
 * data-free (it lists no flows or calls), so it needs no API key.
 */
import type { FastifyInstance } from 'fastify';

export interface HomePageOptions {
  version: string;
  /** Whether the admin API needs a key (the page says how to send it). */
  auth: boolean;
}

const page = ({ version, auth }: HomePageOptions) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
  code { background: #f3f4f6; padding: 0.1rem 0.3rem; border-radius: 4px; }
  pre { background: #f3f4f6; padding: 0.75rem; border-radius: 6px; overflow-x: auto; }
  a { color: #0b62d6; }
</style>
</head>
<body>
<h1>Parley is running</h1>
<p>Parley ${version} — a workflow engine for AI phone agents. Call flows (stages, prompts, tools, transitions) run on live phone calls through Twilio and the OpenAI Realtime API.</p>
<ul>
  <li><a href="/docs">API documentation</a> — every route, with its request and response schemas.</li>
  <li><a href="/health">Health</a> — store, model and telephony configuration, active calls.</li>
  <li><a href="/api/flows">Flows</a> and <a href="/api/calls">calls</a> (JSON)${auth ? ' — send <code>Authorization: Bearer &lt;PARLEY_API_KEY&gt;</code>' : ''}.</li>
</ul>
<p>Check a flow, or watch a simulated call through the real engine:</p>
<pre>npx parley validate flows
npx parley demo</pre>
<p>The browser editor is not part of this build; flows are YAML files (see <code>flows/</code> and <code>docs/flow-language.md</code>) managed through the API.</p>
</body>
</html>
`;

export async function homePage(app: FastifyInstance, options: HomePageOptions): Promise<void> {
  const html = page(options);
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
}
