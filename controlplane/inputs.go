package controlplane

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
)

// ValidateInputs checks inputs against a task's declared inputs: every
// required input present, no unknown input, each of the declared type. The
// error names the offending input.
func ValidateInputs(specs []*controlplanev1.InputSpec, inputs map[string]*controlplanev1.Literal) error {
	declared := make(map[string]*controlplanev1.InputSpec, len(specs))
	for _, s := range specs {
		declared[s.GetName()] = s
	}
	for name, v := range inputs {
		spec, ok := declared[name]
		if !ok {
			return &InputError{Input: name, Problem: "is not an input of this task"}
		}
		if !typeMatches(spec.GetType(), v) {
			return &InputError{Input: name, Problem: "must be " + TypeName(spec.GetType())}
		}
	}
	for _, s := range specs {
		if _, ok := inputs[s.GetName()]; s.GetRequired() && !ok {
			return &InputError{Input: s.GetName(), Problem: "is required"}
		}
	}
	return nil
}

// InputError reports one invalid task input.
type InputError struct {
	Input, Problem string
}

func (e *InputError) Error() string { return fmt.Sprintf("input %q %s", e.Input, e.Problem) }

func typeMatches(t controlplanev1.InputType, v *controlplanev1.Literal) bool {
	switch v.GetValue().(type) {
	case *controlplanev1.Literal_StringValue:
		return t == controlplanev1.InputType_INPUT_TYPE_STRING
	case *controlplanev1.Literal_IntegerValue:
		return t == controlplanev1.InputType_INPUT_TYPE_INTEGER
	case *controlplanev1.Literal_FloatValue:
		return t == controlplanev1.InputType_INPUT_TYPE_FLOAT
	case *controlplanev1.Literal_BooleanValue:
		return t == controlplanev1.InputType_INPUT_TYPE_BOOLEAN
	}
	return false
}

// TypeName is the JSON-facing name of an input type.
func TypeName(t controlplanev1.InputType) string {
	switch t {
	case controlplanev1.InputType_INPUT_TYPE_STRING:
		return "a string"
	case controlplanev1.InputType_INPUT_TYPE_INTEGER:
		return "an integer"
	case controlplanev1.InputType_INPUT_TYPE_FLOAT:
		return "a number"
	case controlplanev1.InputType_INPUT_TYPE_BOOLEAN:
		return "a boolean"
	}
	return "of an unknown type"
}

// InputsFromJSON decodes a JSON object into task inputs, checked against
// the task's declared inputs with [ValidateInputs]. An empty body is an
// empty object. Errors are *InputError naming the offending input, or a
// plain error for a body that is not one JSON object.
func InputsFromJSON(specs []*controlplanev1.InputSpec, body []byte) (map[string]*controlplanev1.Literal, error) {
	inputs := map[string]*controlplanev1.Literal{}
	if len(bytes.TrimSpace(body)) == 0 {
		return inputs, ValidateInputs(specs, inputs)
	}
	declared := make(map[string]*controlplanev1.InputSpec, len(specs))
	for _, s := range specs {
		declared[s.GetName()] = s
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("the body must be a JSON object of task inputs")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("the body is not valid JSON")
		}
		name, _ := tok.(string)
		if _, dup := inputs[name]; dup {
			return nil, &InputError{Input: name, Problem: "is given more than once"}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errors.New("the body is not valid JSON")
		}
		spec, ok := declared[name]
		if !ok {
			return nil, &InputError{Input: name, Problem: "is not an input of this task"}
		}
		lit, ok := literalFromJSON(spec.GetType(), raw)
		if !ok {
			return nil, &InputError{Input: name, Problem: "must be " + TypeName(spec.GetType())}
		}
		inputs[name] = lit
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errors.New("the body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the body must hold exactly one JSON object")
	}
	return inputs, ValidateInputs(specs, inputs)
}

func literalFromJSON(t controlplanev1.InputType, raw json.RawMessage) (*controlplanev1.Literal, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, false
	}
	switch v := tok.(type) {
	case string:
		if t == controlplanev1.InputType_INPUT_TYPE_STRING {
			return &controlplanev1.Literal{Value: &controlplanev1.Literal_StringValue{StringValue: v}}, true
		}
	case bool:
		if t == controlplanev1.InputType_INPUT_TYPE_BOOLEAN {
			return &controlplanev1.Literal{Value: &controlplanev1.Literal_BooleanValue{BooleanValue: v}}, true
		}
	case json.Number:
		switch t {
		case controlplanev1.InputType_INPUT_TYPE_INTEGER:
			i, err := strconv.ParseInt(v.String(), 10, 64)
			if err == nil {
				return &controlplanev1.Literal{Value: &controlplanev1.Literal_IntegerValue{IntegerValue: i}}, true
			}
		case controlplanev1.InputType_INPUT_TYPE_FLOAT:
			f, err := v.Float64()
			if err == nil {
				return &controlplanev1.Literal{Value: &controlplanev1.Literal_FloatValue{FloatValue: f}}, true
			}
		}
	}
	return nil, false
}

// LiteralValue returns the Go value of l for JSON encoding.
func LiteralValue(l *controlplanev1.Literal) any {
	switch v := l.GetValue().(type) {
	case *controlplanev1.Literal_StringValue:
		return v.StringValue
	case *controlplanev1.Literal_IntegerValue:
		return v.IntegerValue
	case *controlplanev1.Literal_FloatValue:
		return v.FloatValue
	case *controlplanev1.Literal_BooleanValue:
		return v.BooleanValue
	}
	return nil
}
