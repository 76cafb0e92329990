// Package fasthttpview is plumbing for adapter authors: the
// [extractors.Request] view of a fasthttp request that the Fiber v2 and
// Fiber v3 adapters (fiberpassthrough, fiber3passthrough) share, so that
// both read the same bytes the same way. Service authors do not need it;
// they use those adapters.
//
// fasthttp parses headers differently from net/http, and from one version
// to the next (Fiber v2 pins fasthttp v1.51, Fiber v3 v1.69). The view
// reads every credential header as net/http does, whichever fasthttp
// builds it:
//
//   - optional white space (spaces and tabs) is trimmed around a value;
//   - a value folded onto continuation lines (obs-fold) is unfolded as
//     net/http unfolds it: the white space on both sides of each line
//     break becomes one space;
//   - a chunked body's trailer fields, which fasthttp appends to the
//     header list, are never read as headers;
//   - names match in any case, also when the server keeps names as
//     received (fasthttp.Server.DisableHeaderNamesNormalizing, Fiber's
//     DisableHeaderNormalizing), where fasthttp looks names up
//     case-sensitively;
//   - the Cookie lines are seen as sent even after something parsed the
//     cookies, which makes fasthttp answer one line rebuilt from them;
//   - a header name holding a space is refused (see [View]).
//
// Where fasthttp's parsed header list can differ from what was received,
// the view reads the raw header block fasthttp keeps; otherwise it reads
// the parsed list, which costs nothing extra.
//
// [ContinueHandler] makes the same decision before fasthttp invites a
// request body with "100 Continue", and [WarnSetup] names the setup
// mistakes an adapter reports once.
//
// The package imports fasthttp and this module's core and extractors
// packages only, and builds with fasthttp v1.51 and later.
package fasthttpview
