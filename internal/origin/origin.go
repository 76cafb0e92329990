// Package origin is the one definition of an HTTP origin that the
// forwarding clients compare requests against: lower-case scheme and host,
// and the port, the scheme's default when the URL has none.
package origin

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Origin is a URL's scheme, host and port.
type Origin struct{ scheme, host, port string }

// Of returns the origin of u.
func Of(u *url.URL) Origin {
	o := Origin{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if o.port == "" {
		switch o.scheme {
		case "https":
			o.port = "443"
		case "http":
			o.port = "80"
		}
	}
	return o
}

// String returns "scheme://host:port". It holds no user information,
// path or query, so it never carries a credential.
func (o Origin) String() string {
	return o.scheme + "://" + net.JoinHostPort(o.host, o.port)
}

var errShape = errors.New("passthrough: an origin must be https://host[:port] (or http:// with forward.WithInsecure())")

// Parse parses the origin of s, a URL "https://host[:port]" (a path is
// allowed and ignored; user information, a query or a fragment are not).
// An http:// URL is refused unless insecure. Errors never repeat s, which
// could hold a secret.
func Parse(s string, insecure bool) (Origin, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return Origin{}, errShape
	}
	o := Of(u)
	switch o.scheme {
	case "https":
	case "http":
		if !insecure {
			return Origin{}, fmt.Errorf("passthrough: origin %s is plaintext; give forward.WithInsecure() to allow it", o)
		}
	default:
		return Origin{}, errShape
	}
	return o, nil
}
