package controlplane

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// InputError reports one invalid task input: which input, and what is
// wrong with it, naming the type the task declares.
type InputError struct {
	Input, Problem string
}

// maxQuotedName bounds how much of an input's name an error quotes: a name
// the task does not declare comes from the caller's body, of any length.
const maxQuotedName = 64

// Error names the input (its first 64 bytes) and the problem.
func (e *InputError) Error() string {
	name := e.Input
	if len(name) > maxQuotedName {
		name = strings.ToValidUTF8(name[:maxQuotedName], "") + "…"
	}
	return fmt.Sprintf("input %q %s", name, e.Problem)
}

// InputsFromJSON converts a JSON object into a task's inputs, by the typed
// interface that spec declares: each declared input is taken from body,
// converted to the primitive its simple type names (integer, float,
// string, boolean, datetime as an RFC 3339 string, duration as a string
// such as "1m30s"), or else filled in from spec's default inputs. The
// result lists the inputs in the order the interface declares them.
//
// An empty body is an empty object. Errors are *InputError naming the
// input and the type it must have: a required input that is missing, a
// value of the wrong type, a name the interface does not declare, or an
// input of a type this converter does not support (collections, maps,
// blobs, structs and the like). A body that is not one JSON object gets a
// plain error.
func InputsFromJSON(spec *flyte2v1.TaskSpec, body []byte) (*flyte2v1.Inputs, error) {
	declared := spec.GetTaskTemplate().GetInterface().GetInputs().GetVariables()
	types := make(map[string]*flyte2v1.LiteralType, len(declared))
	for _, v := range declared {
		types[v.GetKey()] = v.GetValue().GetType()
	}
	given, err := jsonObject(body)
	if err != nil {
		return nil, err
	}
	for _, kv := range given {
		if _, ok := types[kv.name]; !ok {
			return nil, &InputError{Input: kv.name, Problem: "is not an input of this task"}
		}
	}
	byName := make(map[string]json.RawMessage, len(given))
	for _, kv := range given {
		byName[kv.name] = kv.raw
	}
	converted := make(map[string]*flyte2v1.Literal, len(given))
	for _, v := range declared {
		name, t := v.GetKey(), v.GetValue().GetType()
		raw, ok := byName[name]
		if !ok {
			continue
		}
		if !Supported(t) {
			return nil, &InputError{Input: name, Problem: "is " + TypeName(t) + ", which the runner cannot convert from JSON"}
		}
		p, ok := primitiveFromJSON(t.GetSimple(), raw)
		if !ok {
			return nil, &InputError{Input: name, Problem: "must be " + TypeName(t)}
		}
		converted[name] = &flyte2v1.Literal{
			Value: &flyte2v1.Literal_Scalar{Scalar: &flyte2v1.Scalar{Value: &flyte2v1.Scalar_Primitive{Primitive: p}}},
		}
	}
	return FillDefaults(spec, converted)
}

// FillDefaults lists a task's inputs in the order the typed interface of
// spec declares them: each from given, or else a copy of its default from
// spec's default inputs. A declared input in neither is an *InputError
// saying it is required and naming its type. given is expected to hold
// declared names only, already checked against their types; both
// [InputsFromJSON] and the development control plane (for a CreateRun's
// inputs) fill in defaults with it, so that the two agree.
func FillDefaults(spec *flyte2v1.TaskSpec, given map[string]*flyte2v1.Literal) (*flyte2v1.Inputs, error) {
	defaults := make(map[string]*flyte2v1.Literal, len(spec.GetDefaultInputs()))
	for _, p := range spec.GetDefaultInputs() {
		if d := p.GetParameter().GetDefault(); d != nil {
			defaults[p.GetName()] = d
		}
	}
	inputs := &flyte2v1.Inputs{}
	for _, v := range spec.GetTaskTemplate().GetInterface().GetInputs().GetVariables() {
		name := v.GetKey()
		l, ok := given[name]
		if !ok {
			d, ok := defaults[name]
			if !ok {
				return nil, &InputError{Input: name, Problem: "is required: " + TypeName(v.GetValue().GetType())}
			}
			l = proto.Clone(d).(*flyte2v1.Literal)
		}
		inputs.Literals = append(inputs.Literals, &flyte2v1.NamedLiteral{Name: name, Value: l})
	}
	return inputs, nil
}

type jsonMember struct {
	name string
	raw  json.RawMessage
}

// jsonObject splits body, one JSON object, into its members, refusing a
// name given twice.
func jsonObject(body []byte) ([]jsonMember, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("the body must be a JSON object of task inputs")
	}
	var members []jsonMember
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("the body is not valid JSON")
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, &InputError{Input: name, Problem: "is given more than once"}
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errors.New("the body is not valid JSON")
		}
		members = append(members, jsonMember{name, raw})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errors.New("the body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the body must hold exactly one JSON object")
	}
	return members, nil
}

// Supported reports whether [InputsFromJSON] converts values of type t:
// the simple types integer, float, string, boolean, datetime and
// duration.
func Supported(t *flyte2v1.LiteralType) bool {
	if _, ok := t.GetType().(*flyte2v1.LiteralType_Simple); !ok {
		return false
	}
	switch t.GetSimple() {
	case flyte2v1.SimpleType_INTEGER, flyte2v1.SimpleType_FLOAT, flyte2v1.SimpleType_STRING,
		flyte2v1.SimpleType_BOOLEAN, flyte2v1.SimpleType_DATETIME, flyte2v1.SimpleType_DURATION:
		return true
	}
	return false
}

// TypeName describes a type as a JSON caller must write it: "an integer",
// "a datetime (an RFC 3339 string)", or, for an unsupported type, what it
// is ("a collection").
func TypeName(t *flyte2v1.LiteralType) string {
	switch t.GetType().(type) {
	case *flyte2v1.LiteralType_Simple:
		switch t.GetSimple() {
		case flyte2v1.SimpleType_INTEGER:
			return "an integer"
		case flyte2v1.SimpleType_FLOAT:
			return "a float (a JSON number)"
		case flyte2v1.SimpleType_STRING:
			return "a string"
		case flyte2v1.SimpleType_BOOLEAN:
			return "a boolean"
		case flyte2v1.SimpleType_DATETIME:
			return "a datetime (an RFC 3339 string)"
		case flyte2v1.SimpleType_DURATION:
			return `a duration (a string such as "1m30s")`
		case flyte2v1.SimpleType_NONE:
			return "of the none type"
		case flyte2v1.SimpleType_BINARY:
			return "binary"
		case flyte2v1.SimpleType_ERROR:
			return "an error"
		case flyte2v1.SimpleType_STRUCT:
			return "a struct"
		}
		return "of an unknown simple type"
	case *flyte2v1.LiteralType_Schema:
		return "a schema"
	case *flyte2v1.LiteralType_CollectionType:
		return "a collection"
	case *flyte2v1.LiteralType_MapValueType:
		return "a map"
	case *flyte2v1.LiteralType_Blob:
		return "a blob"
	case *flyte2v1.LiteralType_EnumType:
		return "an enum"
	case *flyte2v1.LiteralType_StructuredDatasetType:
		return "a structured dataset"
	case *flyte2v1.LiteralType_UnionType:
		return "a union"
	}
	return "of a type the runner does not know"
}

func primitiveFromJSON(t flyte2v1.SimpleType, raw json.RawMessage) (*flyte2v1.Primitive, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, false
	}
	switch v := tok.(type) {
	case string:
		switch t {
		case flyte2v1.SimpleType_STRING:
			return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_StringValue{StringValue: v}}, true
		case flyte2v1.SimpleType_DATETIME:
			ts, err := time.Parse(time.RFC3339Nano, v)
			if err == nil && rfc3339Offset(v) && timestamppb.New(ts).IsValid() {
				return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_Datetime{Datetime: timestamppb.New(ts)}}, true
			}
		case flyte2v1.SimpleType_DURATION:
			d, err := time.ParseDuration(v)
			if err == nil {
				return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_Duration{Duration: durationpb.New(d)}}, true
			}
		}
	case bool:
		if t == flyte2v1.SimpleType_BOOLEAN {
			return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_Boolean{Boolean: v}}, true
		}
	case json.Number:
		switch t {
		case flyte2v1.SimpleType_INTEGER:
			if i, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
				return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_Integer{Integer: i}}, true
			}
		case flyte2v1.SimpleType_FLOAT:
			if f, err := v.Float64(); err == nil {
				return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_FloatValue{FloatValue: f}}, true
			}
		}
	}
	return nil, false
}

// rfc3339Offset reports whether v, which time.Parse took as RFC 3339,
// ends in an offset RFC 3339 allows: "Z", or hours 00-23 and minutes 00-59
// (time.Parse also takes "+24:00" and "+00:60").
func rfc3339Offset(v string) bool {
	if strings.HasSuffix(v, "Z") {
		return true
	}
	if len(v) < 6 {
		return false
	}
	off := v[len(v)-6:] // "+hh:mm"
	hh, err1 := strconv.Atoi(off[1:3])
	mm, err2 := strconv.Atoi(off[4:6])
	return (off[0] == '+' || off[0] == '-') && off[3] == ':' && err1 == nil && err2 == nil && hh <= 23 && mm <= 59
}

// LiteralValue returns the Go value of a scalar primitive literal for JSON
// encoding (a datetime as an RFC 3339 string, a duration as a string such
// as "1m30s", a NaN or infinite float as "NaN", "Infinity" or "-Infinity",
// as protobuf's JSON mapping writes them), and false for any other
// literal.
func LiteralValue(l *flyte2v1.Literal) (any, bool) {
	switch v := l.GetScalar().GetPrimitive().GetValue().(type) {
	case *flyte2v1.Primitive_Integer:
		return v.Integer, true
	case *flyte2v1.Primitive_FloatValue:
		// JSON has no NaN or infinities: as in protobuf's JSON mapping,
		// they are strings.
		switch f := v.FloatValue; {
		case math.IsNaN(f):
			return "NaN", true
		case math.IsInf(f, 1):
			return "Infinity", true
		case math.IsInf(f, -1):
			return "-Infinity", true
		}
		return v.FloatValue, true
	case *flyte2v1.Primitive_StringValue:
		return v.StringValue, true
	case *flyte2v1.Primitive_Boolean:
		return v.Boolean, true
	case *flyte2v1.Primitive_Datetime:
		if v.Datetime.IsValid() {
			return v.Datetime.AsTime().UTC().Format(time.RFC3339Nano), true
		}
	case *flyte2v1.Primitive_Duration:
		if v.Duration.IsValid() {
			return v.Duration.AsDuration().String(), true
		}
	}
	return nil, false
}
