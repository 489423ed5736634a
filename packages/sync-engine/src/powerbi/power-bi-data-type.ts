import type { PowerBIDataType } from '@mlc/powerbi-push-client';
import type { SinkColumnType } from '../sink/sync-sink.js';

// The engine's column vocabulary, spelled as Power BI's canonical push data types. The names coincide today; this
// table is where they would part (a compile error here, not a silent mismatch, when either side changes).
const POWER_BI_TYPE_OF: Readonly<Record<SinkColumnType, PowerBIDataType>> = {
  String: 'String',
  Int64: 'Int64',
  Double: 'Double',
  Decimal: 'Decimal',
  Boolean: 'Boolean',
  DateTime: 'DateTime',
};

/** The Power BI push data type a column of the engine's vocabulary is created and checked as. */
export function powerBIDataTypeOf(type: SinkColumnType): PowerBIDataType {
  return POWER_BI_TYPE_OF[type];
}
