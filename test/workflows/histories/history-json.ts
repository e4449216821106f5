// Temporal JSON histories (what `temporal workflow show --output json` prints and the UI downloads) → History objects
// for Worker.runReplayHistory. Not @temporalio/common's historyFromJSON: npm installed separate copies of protobufjs 8
// under @temporalio/common, @temporalio/proto and @temporalio/worker (the top-level protobufjs is 7, for
// @grpc/proto-loader), and that function's protojson rejects the proto package's types ("type must be a Type"). The
// same conversion through @temporalio/proto's own protobufjs works; the CLI's JSON needs none of its enum fix-ups.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const { fromJson } = requireFromProto('protobufjs/ext/protojson') as { fromJson(type: unknown, json: unknown, options?: object): unknown };
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot(root: unknown): { lookupType(name: string): unknown } };
const historyType = patchProtobufRoot(require('@temporalio/proto')).lookupType('temporal.api.history.v1.History');

export interface HistoryEventJson {
  eventType?: string;
  [attributes: string]: unknown;
}

/** Parses one history file; an error names the file. */
export function historyFromJsonText(text: string, file: string): unknown {
  const json = JSON.parse(text) as { events?: HistoryEventJson[] };
  if (!Array.isArray(json.events) || json.events.length === 0) throw new TypeError(`${file}: not a Temporal history (no events)`);
  const history = fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError(`${file}: not a Temporal history`);
  return history;
}
