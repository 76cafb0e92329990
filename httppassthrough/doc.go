// Package httppassthrough is the net/http adapter of passthrough: standard
// middleware, func(http.Handler) http.Handler, usable with http.ServeMux,
// chi, gorilla/mux and anything else built on net/http.
//
// The middleware puts the caller's credentials in the request's context,
// where [core.FromContext] finds them and the forwarding clients send them
// on.
package httppassthrough
