// Package flyte2compat holds the tests that check this project's Flyte 2
// subset against Flyte 2's own published artifacts, the TypeScript package
// @flyteorg/flyteidl2 (pinned in package-lock.json, installed with npm ci):
//
//   - descriptors: every message and enum of controlplane/flyte2v1 has
//     upstream's field numbers, names, types and cardinality;
//   - registration: linking the library beside upstream's descriptors
//     registers no name twice, and the library registers no flyteidl2.* name;
//   - an upstream-typed client (client.ts) runs the webhook story against
//     the development control plane over Connect, gRPC and gRPC-Web;
//   - an upstream-typed server (server.ts) checks everything the webhook
//     runner sends over Connect and gRPC.
//
// The tests run the TypeScript with tsx from node_modules; when that folder
// is missing they install it first with npm ci.
package flyte2compat
