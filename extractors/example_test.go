package extractors_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// A custom extractor that wraps a built-in: forward the Authorization
// header only when it holds a bearer token, so that Basic credentials meant
// for this service never travel to the control plane.
func ExampleFunc() {
	bearerOnly := extractors.Func("authorization", func(r extractors.Request) (string, bool) {
		v, ok := extractors.Authorization().Extract(r)
		if !ok || !strings.HasPrefix(v, "Bearer ") {
			return "", false
		}
		return v, true
	})
	h := httppassthrough.Middleware(core.WithExtractors(bearerOnly))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		md, _ := core.FromContext(r.Context())
		fmt.Println("forwarded:", md)
	}))
	for _, auth := range []string{"Bearer t0k3n", "Basic dXNlcjpwYXNz"} {
		req := httptest.NewRequest("GET", "/me", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// forwarded: Metadata{authorization=[REDACTED]}
	// 200
	// 401
}

// A token from a query parameter, for browser WebSocket and EventSource
// clients that cannot set headers. Query strings end up in access logs:
// prefer a header wherever the client can send one.
func ExampleFunc_query() {
	headerOrQuery := extractors.Func("authorization", func(r extractors.Request) (string, bool) {
		if v, ok := extractors.Authorization().Extract(r); ok {
			return v, true
		}
		if v := r.Query("access_token"); len(v) > 0 {
			return "Bearer " + v[0], true
		}
		return "", false
	})
	h := httppassthrough.Middleware(core.WithExtractors(headerOrQuery))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, target := range []string{"/events?access_token=t0k3n", "/events?access_token=a&access_token=b", "/events"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Println(target, rec.Code)
	}
	// Output:
	// /events?access_token=t0k3n 200
	// /events?access_token=a&access_token=b 400
	// /events 401
}

// Cookie, without an s, forwards the whole Cookie header: every cookie the
// caller sent, as one value.
func ExampleCookie() {
	h := httppassthrough.Middleware(core.WithExtractors(extractors.Cookie()))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		md, _ := core.FromContext(r.Context())
		fmt.Printf("forwarded cookie: %q\n", md.Get("cookie"))
	}))
	req := httptest.NewRequest("GET", "/me", nil)
	req.Header.Set("Cookie", "session=s3cr3t; theme=dark; _ga=GA1.2.3")
	h.ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// forwarded cookie: "session=s3cr3t; theme=dark; _ga=GA1.2.3"
}

// Cookies, with an s, forwards only the cookies it names, under the same
// key "cookie": here the session cookie, and not the caller's other
// cookies. A request without any of them carries no credentials.
func ExampleCookies() {
	h := httppassthrough.Middleware(core.WithExtractors(extractors.Cookies("session")))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		md, _ := core.FromContext(r.Context())
		fmt.Printf("forwarded cookie: %q\n", md.Get("cookie"))
	}))
	for _, cookie := range []string{"session=s3cr3t; theme=dark; _ga=GA1.2.3", "theme=dark"} {
		req := httptest.NewRequest("GET", "/me", nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// forwarded cookie: "session=s3cr3t"
	// 200
	// 401
}
