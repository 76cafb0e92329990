package conformance

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// wireCanary is a credential that must never come back in a response.
const wireCanary = "wire-canary-5d1e"

// wireCase is one raw HTTP request of the wire corpus, and, when the
// answer is fixed by the adapter alone, what it must be.
type wireCase struct {
	name string
	raw  string // the header lines after the Host line, each ending "\r\n"
	body string // after the blank line: a chunked body and its trailers
	post bool   // sent as POST with Transfer-Encoding: chunked
	// expect says the request is a POST with a 5-byte body that it asks
	// leave to send (Expect: 100-continue), and never sends: the answer
	// must be final, not an invitation to upload the body.
	expect bool
	// setup says the answer depends on the framework's documented setup
	// (read buffer size, error handler), so that only [Compare], which
	// runs every adapter as documented, checks it.
	setup bool
	// want is the credentials the handler must see; wantStatus, when not
	// 0, the refusal status. Neither set: the adapters need only agree.
	want       []core.Pair
	wantStatus int
	// earlyRefusal says the framework may refuse the request with another
	// 4xx before the adapter runs (fasthttp from v1.69 refuses a Cookie or
	// Authorization trailer with 400, and answers a refused
	// Expect: 100-continue with 417): any 4xx without the handler passes,
	// and adapters agree on the refusal, not its status.
	earlyRefusal bool
}

func (w wireCase) request() Request {
	method, extra := "GET", ""
	switch {
	case w.post:
		method, extra = "POST", "Transfer-Encoding: chunked\r\n"
	case w.expect:
		method, extra = "POST", "Content-Length: 5\r\nExpect: 100-continue\r\n"
	}
	return Request{Method: method, Raw: method + " /protected HTTP/1.1\r\nHost: conformance.test\r\n" + extra + w.raw + "\r\n" + w.body}
}

func auth(v string) []core.Pair { return []core.Pair{{Key: "authorization", Value: v}} }

// wireCorpus is one set of raw requests every HTTP adapter must answer the
// same way: white space around values, folded lines, trailers, credentials
// at the size limit and malformed lines after a credential.
func wireCorpus() []wireCase {
	big := "Bearer " + strings.Repeat("b", core.DefaultMaxValueSize-len("Bearer "))
	jar := "s=" + strings.Repeat("c", core.DefaultMaxValueSize-len("s="))
	return []wireCase{
		{name: "tab before the value", raw: "Authorization:\tBearer tok\r\n", want: auth("Bearer tok")},
		{name: "tab after the value", raw: "Authorization: Bearer tok\t\r\n", want: auth("Bearer tok")},
		{name: "spaces and tabs around the value", raw: "Authorization: \t \tBearer tok \t \r\n", want: auth("Bearer tok")},
		{name: "no space after the colon", raw: "Authorization:Bearer tok\r\n", want: auth("Bearer tok")},
		{name: "tab around an X-API-Key", raw: "X-API-Key:\tk1\t\r\n", want: []core.Pair{{Key: "x-api-key", Value: "k1"}}},
		{name: "value folded onto the next line", raw: "Authorization:\r\n Bearer tok\r\n", want: auth("Bearer tok")},
		{name: "value folded with a tab", raw: "Authorization:\r\n\tBearer tok\r\n", want: auth("Bearer tok")},
		{name: "value folded in the middle", raw: "Authorization: Bearer\r\n tok\r\n", want: auth("Bearer tok")},
		{name: "value folded in the middle with a tab", raw: "Authorization: Bearer\r\n\ttok\r\n", want: auth("Bearer tok")},
		// net/http unfolds a line by trimming the white space on both
		// sides of the line break and joining with one space; the other
		// adapters must forward the same bytes.
		{name: "value folded with spaces on the next line", raw: "Authorization: Bearer\r\n   tok\r\n", want: auth("Bearer tok")},
		{name: "value folded after trailing spaces", raw: "Authorization: Bearer  \r\n tok\r\n", want: auth("Bearer tok")},
		{name: "value folded with a tab and a space", raw: "Authorization: Bearer\r\n\t tok\r\n", want: auth("Bearer tok")},
		{name: "value folded twice", raw: "X-API-Key: k1 \r\n\t k2\t\r\n  k3\r\n", want: []core.Pair{{Key: "x-api-key", Value: "k1 k2 k3"}}},
		{name: "the same credential on two lines in two cases", raw: "Authorization: Bearer " + wireCanary + "\r\nauthorization: Bearer b\r\n", wantStatus: 400},
		{name: "the same credential on two lines, lower case first", raw: "x-api-key: " + wireCanary + "\r\nX-API-Key: k2\r\n", wantStatus: 400},
		{name: "Cookie and X-API-Key only as trailers", post: true,
			raw:  "Trailer: Cookie, X-API-Key\r\n",
			body: "1\r\nx\r\n0\r\nCookie: s=" + wireCanary + "\r\nX-API-Key: " + wireCanary + "\r\n\r\n", wantStatus: 401, earlyRefusal: true},
		{name: "undeclared trailers", post: true,
			body: "1\r\nx\r\n0\r\nCookie: s=" + wireCanary + "\r\nX-API-Key: " + wireCanary + "\r\n\r\n", wantStatus: 401, earlyRefusal: true},
		{name: "X-API-Key only as a trailer", post: true,
			body: "1\r\nx\r\n0\r\nX-API-Key: " + wireCanary + "\r\n\r\n", wantStatus: 401},
		{name: "trailers after an empty chunked body", post: true,
			body: "0\r\nX-API-Key: " + wireCanary + "\r\n\r\n", wantStatus: 401},
		{name: "a header and a trailer of the same name", post: true,
			raw:  "X-API-Key: k1\r\nTrailer: X-API-Key\r\n",
			body: "1\r\nx\r\n0\r\nX-API-Key: " + wireCanary + "\r\n\r\n", want: []core.Pair{{Key: "x-api-key", Value: "k1"}}},
		{name: "a header and a trailer of the same name in other cases", post: true,
			raw:  "x-api-key: k1\r\nTrailer: X-Api-Key\r\n",
			body: "1\r\nx\r\n0\r\nX-Api-Key: " + wireCanary + "\r\n\r\n", want: []core.Pair{{Key: "x-api-key", Value: "k1"}}},
		{name: "a trailer in the header's case", post: true,
			raw:  "x-api-key: k1\r\nTrailer: x-api-key\r\n",
			body: "1\r\nx\r\n0\r\nx-api-key: " + wireCanary + "\r\n\r\n", want: []core.Pair{{Key: "x-api-key", Value: "k1"}}},
		{name: "credential at the default size limit", setup: true, raw: "Authorization: " + big + "\r\n", want: auth(big)},
		{name: "Authorization and Cookie both at the limit", setup: true,
			raw:  "Authorization: " + big + "\r\nCookie: " + jar + "\r\n",
			want: []core.Pair{{Key: "authorization", Value: big}, {Key: "cookie", Value: jar}}},
		{name: "malformed line after a credential", setup: true, raw: "Authorization: Bearer " + wireCanary + "\r\nX Bad: y\r\n"},
		{name: "space before the colon", setup: true, raw: "Authorization : Bearer " + wireCanary + "\r\n"},
		{name: "space before the colon after a credential", setup: true, raw: "Cookie: s=" + wireCanary + "\r\nX-Other : y\r\n"},
		{name: "Expect: 100-continue without credentials", expect: true, wantStatus: 401, earlyRefusal: true},
		{name: "Expect: 100-continue with a credential on two lines", expect: true,
			raw: "X-API-Key: " + wireCanary + "\r\nX-API-Key: k2\r\n", wantStatus: 400, earlyRefusal: true},
		{name: "empty value", raw: "Authorization:\r\n", wantStatus: 400},
		{name: "white space only", raw: "Authorization: \t \r\n", wantStatus: 400},
	}
}

// wireOutcome is what one adapter did with one request, in a form two
// adapters can be compared by.
type wireOutcome struct {
	status int
	ran    bool
	pairs  string
}

func (o wireOutcome) String() string {
	if !o.ran {
		return fmt.Sprintf("status %d, handler not run", o.status)
	}
	return fmt.Sprintf("status %d, handler saw %s", o.status, o.pairs)
}

func wireOptions() []core.Option {
	return []core.Option{
		core.WithLogger(discard),
		core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key")),
	}
}

// exchangeWire sends tc on its own connection and checks what no adapter
// may do whatever its setup: answer with the canary, run the handler for
// a refusal, or answer a case with a fixed answer otherwise.
func exchangeWire(t *testing.T, c Client, rec *recorder, tc wireCase) wireOutcome {
	t.Helper()
	resps, err := c.Exchange(t.Context(), tc.request())
	if err != nil {
		t.Errorf("%s: exchange: %v", tc.name, err)
		return wireOutcome{}
	}
	resp := resps[0]
	if bytes.Contains(resp.Body, []byte(wireCanary)) {
		t.Errorf("%s: the response body (status %d) contains the credential sent in the request", tc.name, resp.Status)
	}
	for name, vs := range resp.Header {
		for _, v := range vs {
			if strings.Contains(v, wireCanary) {
				t.Errorf("%s: response header %s contains the credential sent in the request", tc.name, name)
			}
		}
	}
	calls := rec.take()
	o := wireOutcome{status: resp.Status, ran: len(calls) > 0}
	if o.ran {
		o.pairs = describe(calls[0].md.Pairs())
	}
	if tc.earlyRefusal && !o.ran && resp.Status >= 400 && resp.Status < 500 {
		o.status = tc.wantStatus // a refusal, whoever made it
	}
	switch {
	case tc.want != nil:
		if resp.Status != 200 || len(calls) != 1 || !equalPairs(calls[0].md.Pairs(), tc.want) {
			t.Errorf("%s: %v; want status 200, handler saw %s", tc.name, o, describe(tc.want))
		}
	case tc.wantStatus != 0:
		if o.status != tc.wantStatus || o.ran {
			t.Errorf("%s: %v; want status %d, handler not run", tc.name, o, tc.wantStatus)
		}
	}
	return o
}

// wire runs the corpus cases whose answer depends on the adapter alone.
func (s suite) wire(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	c := s.h.Serve(t, wireOptions(), rec.handle)
	for _, tc := range wireCorpus() {
		if !tc.setup {
			exchangeWire(t, c, rec, tc)
		}
	}
	s.expectContinue(t)
}

// Adapter names a [Harness] for [Compare].
type Adapter struct {
	Name    string
	Harness Harness
}

// Compare sends one corpus of raw HTTP requests to every adapter, each
// started as its documentation tells users to, and fails where two
// adapters answer the same bytes differently: white space around values
// and folded lines must be trimmed and unfolded alike, trailers never read
// as credentials, credentials up to the default size limit
// ([core.DefaultMaxValueSize]) accepted by every adapter, and no response
// may echo a credential back, whatever the framework answers a malformed
// request with. A status decides agreement, and the credentials the
// handler saw, not the bytes of a framework's own error page.
func Compare(t *testing.T, adapters ...Adapter) {
	t.Helper()
	if len(adapters) < 2 {
		t.Fatal("conformance: Compare needs at least two adapters")
	}
	corpus := wireCorpus()
	outcomes := make([][]wireOutcome, len(adapters))
	for i, a := range adapters {
		if a.Harness.Serve == nil || a.Harness.GRPC || a.Harness.Procedures {
			t.Fatalf("conformance: Compare adapter %q needs an HTTP Harness.Serve", a.Name)
		}
		t.Run(a.Name, func(t *testing.T) {
			rec := &recorder{}
			c := a.Harness.Serve(t, wireOptions(), rec.handle)
			for _, tc := range corpus {
				outcomes[i] = append(outcomes[i], exchangeWire(t, c, rec, tc))
			}
		})
	}
	for j, tc := range corpus {
		agree := true
		for i := range adapters {
			if len(outcomes[i]) != len(corpus) || outcomes[i][j] != outcomes[0][j] {
				agree = false
			}
		}
		if agree {
			continue
		}
		var b strings.Builder
		for i, a := range adapters {
			if len(outcomes[i]) == len(corpus) {
				fmt.Fprintf(&b, "\n\t%s: %v", a.Name, outcomes[i][j])
			}
		}
		t.Errorf("%s: adapters answer the same bytes differently:%s", tc.name, b.String())
	}
}
