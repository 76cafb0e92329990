package controlplane_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

func simple(t flyte2v1.SimpleType) *flyte2v1.LiteralType {
	return &flyte2v1.LiteralType{Type: &flyte2v1.LiteralType_Simple{Simple: t}}
}

func prim(p *flyte2v1.Primitive) *flyte2v1.Literal {
	return &flyte2v1.Literal{Value: &flyte2v1.Literal_Scalar{Scalar: &flyte2v1.Scalar{Value: &flyte2v1.Scalar_Primitive{Primitive: p}}}}
}

// spec declares inputs in order; those in defaults are optional.
func spec(defaults map[string]*flyte2v1.Literal, vars ...*flyte2v1.VariableEntry) *flyte2v1.TaskSpec {
	s := &flyte2v1.TaskSpec{TaskTemplate: &flyte2v1.TaskTemplate{Interface: &flyte2v1.TypedInterface{Inputs: &flyte2v1.VariableMap{Variables: vars}}}}
	for _, v := range vars {
		p := &flyte2v1.Parameter{Var: v.GetValue(), Behavior: &flyte2v1.Parameter_Required{Required: true}}
		if d, ok := defaults[v.GetKey()]; ok {
			p.Behavior = &flyte2v1.Parameter_Default{Default: d}
		}
		s.DefaultInputs = append(s.DefaultInputs, &flyte2v1.NamedParameter{Name: v.GetKey(), Parameter: p})
	}
	return s
}

func variable(name string, t *flyte2v1.LiteralType) *flyte2v1.VariableEntry {
	return &flyte2v1.VariableEntry{Key: name, Value: &flyte2v1.Variable{Type: t}}
}

// Every supported type converts from its JSON form to its primitive, in
// the order the interface declares, whatever the body's order.
func TestInputsFromJSONSupportedTypes(t *testing.T) {
	t.Parallel()
	s := spec(nil,
		variable("i", simple(flyte2v1.SimpleType_INTEGER)),
		variable("f", simple(flyte2v1.SimpleType_FLOAT)),
		variable("s", simple(flyte2v1.SimpleType_STRING)),
		variable("b", simple(flyte2v1.SimpleType_BOOLEAN)),
		variable("t", simple(flyte2v1.SimpleType_DATETIME)),
		variable("d", simple(flyte2v1.SimpleType_DURATION)),
	)
	got, err := controlplane.InputsFromJSON(s, []byte(`{"d":"1m30s","t":"2026-01-02T03:04:05.5Z","b":true,"s":"héllo","f":1.5,"i":-9007199254740993}`))
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 5e8, time.UTC)
	want := &flyte2v1.Inputs{Literals: []*flyte2v1.NamedLiteral{
		{Name: "i", Value: prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Integer{Integer: -9007199254740993}})},
		{Name: "f", Value: prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_FloatValue{FloatValue: 1.5}})},
		{Name: "s", Value: prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_StringValue{StringValue: "héllo"}})},
		{Name: "b", Value: prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Boolean{Boolean: true}})},
		{Name: "t", Value: prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Datetime{Datetime: timestamppb.New(when)}})},
		{Name: "d", Value: prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Duration{Duration: durationpb.New(90 * time.Second)}})},
	}}
	if !proto.Equal(got, want) {
		t.Fatalf("InputsFromJSON:\n got %v\nwant %v", got, want)
	}
	for _, nl := range got.GetLiterals() {
		v, ok := controlplane.LiteralValue(nl.GetValue())
		if !ok {
			t.Errorf("LiteralValue(%s): not a primitive", nl.GetName())
		}
		if nl.GetName() == "t" && v != "2026-01-02T03:04:05.5Z" || nl.GetName() == "d" && v != "1m30s" {
			t.Errorf("LiteralValue(%s) = %v", nl.GetName(), v)
		}
	}
	// An integer is accepted for a float input.
	if _, err := controlplane.InputsFromJSON(spec(nil, variable("f", simple(flyte2v1.SimpleType_FLOAT))), []byte(`{"f":2}`)); err != nil {
		t.Errorf("an integer for a float: %v", err)
	}
}

// Defaults fill in missing inputs, as copies; an empty body is an empty
// object.
func TestInputsFromJSONDefaults(t *testing.T) {
	t.Parallel()
	def := prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_StringValue{StringValue: "world"}})
	s := spec(map[string]*flyte2v1.Literal{"name": def}, variable("name", simple(flyte2v1.SimpleType_STRING)))
	for _, body := range []string{"", " ", "{}"} {
		got, err := controlplane.InputsFromJSON(s, []byte(body))
		if err != nil || len(got.GetLiterals()) != 1 || !proto.Equal(got.GetLiterals()[0].GetValue(), def) {
			t.Fatalf("body %q: %v, %v; want the default", body, got, err)
		}
		if got.GetLiterals()[0].GetValue() == def {
			t.Fatal("the default is shared with the spec, not copied")
		}
	}
	got, err := controlplane.InputsFromJSON(s, []byte(`{"name":"Ada"}`))
	if err != nil || got.GetLiterals()[0].GetValue().GetScalar().GetPrimitive().GetStringValue() != "Ada" {
		t.Fatalf("a given value over the default: %v, %v", got, err)
	}
}

// Errors are *InputError naming the input and the type it must have.
func TestInputsFromJSONErrors(t *testing.T) {
	t.Parallel()
	s := spec(map[string]*flyte2v1.Literal{"b": prim(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Integer{Integer: 1}})},
		variable("a", simple(flyte2v1.SimpleType_INTEGER)),
		variable("b", simple(flyte2v1.SimpleType_INTEGER)),
		variable("when", simple(flyte2v1.SimpleType_DATETIME)),
		variable("list", &flyte2v1.LiteralType{Type: &flyte2v1.LiteralType_CollectionType{CollectionType: simple(flyte2v1.SimpleType_INTEGER)}}),
	)
	for _, tc := range []struct{ body, input, message string }{
		{`{"when":"2026-01-01T00:00:00Z"}`, "a", `input "a" is required: an integer`},
		{`{"a":"two","when":"2026-01-01T00:00:00Z"}`, "a", `input "a" must be an integer`},
		{`{"a":1.5,"when":"2026-01-01T00:00:00Z"}`, "a", `input "a" must be an integer`},
		{`{"a":9223372036854775808,"when":"2026-01-01T00:00:00Z"}`, "a", `input "a" must be an integer`},
		{`{"a":1,"when":"yesterday"}`, "when", `input "when" must be a datetime (an RFC 3339 string)`},
		{`{"a":1,"when":"2026-01-01T00:00:00Z","list":[1]}`, "list", `input "list" is a collection, which the runner cannot convert from JSON`},
		{`{"a":1,"c":2}`, "c", `input "c" is not an input of this task`},
		{`{"a":1,"a":2}`, "a", `input "a" is given more than once`},
	} {
		_, err := controlplane.InputsFromJSON(s, []byte(tc.body))
		var ie *controlplane.InputError
		if !errors.As(err, &ie) || ie.Input != tc.input || err.Error() != tc.message {
			t.Errorf("%s: %v, want an InputError on %q: %s", tc.body, err, tc.input, tc.message)
		}
	}
	blob := spec(nil, variable("blob", simple(flyte2v1.SimpleType_BINARY)))
	_, err := controlplane.InputsFromJSON(blob, []byte(`{"blob":"x"}`))
	if want := `input "blob" is binary, which the runner cannot convert from JSON`; err == nil || err.Error() != want {
		t.Errorf("a binary input: %v, want %s", err, want)
	}
	for _, body := range []string{`[]`, `"a"`, `{"a":1}{}`, `{"a":`, `{"a":1,}`} {
		_, err := controlplane.InputsFromJSON(s, []byte(body))
		var ie *controlplane.InputError
		if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "JSON") {
			t.Errorf("body %s: %v, want a plain error about the JSON", body, err)
		}
	}
}

// A name the task does not declare comes from the caller's body: the error
// that quotes it stays short whatever its length.
func TestInputErrorQuotesLongNamesShort(t *testing.T) {
	t.Parallel()
	s := spec(nil, variable("a", simple(flyte2v1.SimpleType_INTEGER)))
	long := strings.Repeat("k", 10000)
	for _, body := range []string{`{"` + long + `":1}`, `{"a":1,"` + long + `":1,"` + long + `":2}`} {
		_, err := controlplane.InputsFromJSON(s, []byte(body))
		if err == nil || len(err.Error()) > 120 || !strings.Contains(err.Error(), "kkkk") {
			t.Errorf("a %d-byte unknown name: error of %d bytes, want one that quotes its start in at most 120", len(long), len(err.Error()))
		}
	}
}
