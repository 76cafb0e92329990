// Package fiberpassthrough is the Fiber (v2) adapter of passthrough.
//
// [Middleware] puts the caller's credentials in c.UserContext(), the
// standard context that Fiber hands to code outside the framework; pass it
// to the control-plane client.
package fiberpassthrough
