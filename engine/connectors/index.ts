/**
 * The connector SDK, published as `parley/connector-sdk`: what a connector's
 * manifest and handlers modules import. The connector host and its helpers
 * are Parley's internals and are not exported.
 */
export { defineConnector, isOperationError, operation, OperationError } from './define-connector.js';
export type {
  ConnectorCall,
  ConnectorContext,
  ConnectorDefinition,
  ConnectorLogger,
  ConnectorServices,
  HandlerModule,
  LogValue,
  OperationDefinition,
  OperationHandler,
} from './define-connector.js';
export type { ConnectorStorage } from '../store/namespaced-store.js';
export type { Clock } from '../util/clock.js';
