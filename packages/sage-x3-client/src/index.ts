// Public surface of @mlc/sage-x3-client. Every export is named; internals stay unexported.

// --- client ---
export type { X3Client, X3GraphQLApi, X3RestApi, X3RestQueryOptions } from './client/create-x3-client.js';
export { createX3Client } from './client/create-x3-client.js';
export type {
  ResolvedX3ClientOptions,
  X3ClientOptions,
  X3EntitiesOption,
  X3EntityMap,
} from './client/x3-client-options.js';
export { resolveX3ClientOptions } from './client/x3-client-options.js';
export type {
  X3ChangesOptions,
  X3RawChangesOptions,
  X3RecordText,
} from './changes/x3-changes-options.js';
export type { X3KeysOptions } from './keys/x3-keys-options.js';

// --- auth ---
export type { X3AuthContext, X3AuthRuntime, X3AuthStrategy } from './auth/x3-auth-strategy.js';
export type { BasicAuthOptions } from './auth/basic-auth.js';
export { basicAuth } from './auth/basic-auth.js';
export type { ConnectedAppAuthOptions } from './auth/connected-app-auth.js';
export { connectedAppAuth, signConnectedAppJwt } from './auth/connected-app-auth.js';
export type {
  OAuth2RefreshTokenAuthOptions,
  RefreshTokenExpiringEvent,
} from './auth/oauth2-refresh-token-auth.js';
export { oauth2RefreshTokenAuth } from './auth/oauth2-refresh-token-auth.js';
export type { StoredRefreshToken, TokenStore } from './auth/token-store.js';
export { MemoryTokenStore } from './auth/token-store.js';

// --- entities ---
export type { X3BuiltInEntities, X3BuiltInEntityName } from './entities/built-in-entities.js';
export { X3_BUILT_IN_ENTITIES } from './entities/built-in-entities.js';
export type {
  X3CollectionMapping,
  X3EntityDefinition,
  X3EntityOverride,
  X3FieldPath,
  X3GraphQLMapping,
  X3RestMapping,
} from './entities/x3-entity-definition.js';
export { applyEntityOverride, defineX3Entity } from './entities/x3-entity-definition.js';
export type { X3Change, X3RawChange } from './entities/x3-change.js';
export type { X3Transport } from './entities/normalize-record.js';
export { normalizeRecord } from './entities/normalize-record.js';
export {
  x3Boolean,
  x3Code,
  x3Date,
  X3_EMPTY_DATES,
  x3Decimal,
  x3Instant,
  x3Integer,
  x3LocalMenu,
  x3OptionalDecimal,
  x3OptionalInteger,
  x3Sign,
  x3Text,
} from './entities/x3-field-types.js';
export type { Account } from './entities/builtin/account.js';
export { accountEntity, accountSchema } from './entities/builtin/account.js';
export type { JournalEntry, JournalEntryLine } from './entities/builtin/journal-entry.js';
export {
  journalEntryEntity,
  journalEntryLineSchema,
  journalEntrySchema,
} from './entities/builtin/journal-entry.js';
export type { Supplier } from './entities/builtin/supplier.js';
export { supplierEntity, supplierSchema } from './entities/builtin/supplier.js';
export type { Product } from './entities/builtin/product.js';
export { productEntity, productSchema } from './entities/builtin/product.js';
export type { PurchaseOrder, PurchaseOrderLine } from './entities/builtin/purchase-order.js';
export {
  purchaseOrderEntity,
  purchaseOrderLineSchema,
  purchaseOrderSchema,
} from './entities/builtin/purchase-order.js';
export type { SalesInvoice, SalesInvoiceLine } from './entities/builtin/sales-invoice.js';
export {
  salesInvoiceEntity,
  salesInvoiceLineSchema,
  salesInvoiceSchema,
} from './entities/builtin/sales-invoice.js';

// --- REST (SData) helpers ---
export type { SDataDate, SDataDateTime, SDataValue } from './rest/sdata-literal.js';
export { formatSDataLiteral, sdataDate, sdataDateTime } from './rest/sdata-literal.js';
export { SDataWhere, isSDataWhere, sdata, sdataWhere } from './rest/sdata-where.js';
export type { RestLocation, RestOrderBy, RestQueryParams } from './rest/rest-url.js';
export { buildRestDetailsUrl, buildRestQueryUrl, encodeQueryValue } from './rest/rest-url.js';
export type { X3RestPage } from './rest/rest-transport.js';

// --- GraphQL helpers ---
export type { XtremFilterValue } from './graphql/xtrem-filter.js';
export { formatXtremFilter } from './graphql/xtrem-filter.js';
export type { RelayConnection } from './graphql/relay-pages.js';
export { relayPages } from './graphql/relay-pages.js';
export type { X3NodeRoot } from './graphql/resolve-node-root.js';
export { resolveNodeRoot } from './graphql/resolve-node-root.js';
export type { X3GraphQLCallOptions, X3GraphQLResult } from './graphql/graphql-transport.js';
export { classifyGraphQLErrors } from './graphql/classify-graphql-errors.js';

// --- JSON ---
export type { JsonRepair } from './json/repair-json.js';
export { repairJsonEscapes } from './json/repair-json.js';
export type { ParsedX3Json } from './json/parse-x3-json.js';
export { parseX3Json } from './json/parse-x3-json.js';

// --- errors ---
export type { X3AuthErrorCode, X3AuthErrorOptions } from './errors/x3-auth-error.js';
export { X3AuthError, isX3AuthError } from './errors/x3-auth-error.js';
export type { X3ConfigErrorCode } from './errors/x3-config-error.js';
export { X3ConfigError, isX3ConfigError } from './errors/x3-config-error.js';
export type { X3FilterErrorOptions } from './errors/x3-filter-error.js';
export { X3FilterError, isX3FilterError } from './errors/x3-filter-error.js';
export type { X3GatewayErrorBody, X3GatewayErrorOptions } from './errors/x3-gateway-error.js';
export { X3GatewayError, isX3GatewayError } from './errors/x3-gateway-error.js';
export type { X3GraphQLErrorEntry, X3GraphQLErrorOptions } from './errors/x3-graphql-error.js';
export { X3GraphQLError, isX3GraphQLError } from './errors/x3-graphql-error.js';
export type { X3RecordErrorOptions } from './errors/x3-record-error.js';
export { X3RecordError, isX3RecordError } from './errors/x3-record-error.js';
export type { X3ResponseErrorCode, X3ResponseErrorOptions } from './errors/x3-response-error.js';
export { X3ResponseError, isX3ResponseError } from './errors/x3-response-error.js';
