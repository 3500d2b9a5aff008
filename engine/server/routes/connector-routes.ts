/**
 * `/api/connectors`: the connector catalog — every loaded connector with its
 * operations, their input and output schemas, and whether it can run. The
 * editor's tool palette is built from it, and the flow linter checks
 * `use: connector.operation` against the same catalog.
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogConnector } from '../../connectors/catalog.js';
import type { ConnectorHost } from '../../connectors/connector-host.js';
import { ParleyError } from '../../errors/parley-error.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';

/** What the connector routes use. */
export interface ConnectorRoutesOptions {
  connectors: Pick<ConnectorHost, 'catalog'>;
}

/** A catalog entry as the API shows it: operations as a list, each with the `use` a binding writes. */
function present(connector: CatalogConnector) {
  return {
    name: connector.name,
    version: connector.version,
    description: connector.description,
    configured: connector.configured,
    source: connector.source,
    ...(connector.problem ? { problem: connector.problem } : {}),
    operations: Object.entries(connector.operations).map(([name, operation]) => ({ name, use: `${connector.name}.${name}`, ...operation })),
  };
}

export async function connectorRoutes(app: FastifyInstance, options: ConnectorRoutesOptions): Promise<void> {
  const { connectors } = options;
  const tags = ['connectors'];

  app.get(
    '/',
    {
      schema: {
        summary: 'The connector catalog',
        description: 'Every loaded connector with its operations (input and output schemas), and whether it is configured to run; those that cannot run say why.',
        tags,
        response: { 200: ref('ConnectorList'), ...ERROR_RESPONSES },
      },
    },
    async () => ({
      items: Object.values(connectors.catalog())
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(present),
    }),
  );

  app.get<{ Params: { name: string } }>(
    '/:name',
    {
      schema: {
        summary: 'One connector',
        tags,
        params: ref('ConnectorParams'),
        response: { 200: ref('Connector'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const catalog = connectors.catalog();
      const connector = Object.hasOwn(catalog, request.params.name) ? catalog[request.params.name] : undefined;
      if (!connector) {
        throw new ParleyError('API_NOT_FOUND', `No connector is named "${request.params.name}"; loaded: ${Object.keys(catalog).sort().join(', ') || 'none'}.`, {
          details: { connector: request.params.name },
        });
      }
      return present(connector);
    },
  );
}
