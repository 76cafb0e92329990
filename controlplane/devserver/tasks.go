package devserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// Task registers a version of a built-in task implementation (its
// Executor) under a name, with the typed interface callers see. Inputs
// declare the task's inputs; every input the executor reads must be among
// them, with the executor's type. Outputs are the executor's.
type Task struct {
	// Project and Domain default to [DemoProject] and [DemoDomain].
	Project string `json:"project,omitempty"`
	Domain  string `json:"domain,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// Executor is one of "hello", "add", "sleep" and "fail".
	Executor    string  `json:"executor"`
	Inputs      []Input `json:"inputs"`
	Description string  `json:"description,omitempty"`
}

// Input declares a task input: its name, its simple type ("integer",
// "float", "string", "boolean", "datetime" or "duration") and, for an
// optional input, its default, as the JSON value a caller would send
// (a datetime as an RFC 3339 string, a duration as a string such as "1m").
// An input without a default is required.
type Input struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Default     json.RawMessage `json:"default,omitempty"`
	Description string          `json:"description,omitempty"`
}

// maxRunTime bounds how long a built-in task runs.
const maxRunTime = 30 * time.Second

// values are a run's inputs or outputs by name.
type values map[string]*flyte2v1.Primitive

// executor is a task implementation that runs in-process: the inputs it
// reads and the outputs it returns, by simple type.
type executor struct {
	inputs, outputs map[string]flyte2v1.SimpleType
	run             func(ctx context.Context, in values) (values, error)
}

// executors are the task implementations the development server can run.
var executors = map[string]executor{
	"hello": {
		inputs:  map[string]flyte2v1.SimpleType{"name": flyte2v1.SimpleType_STRING},
		outputs: map[string]flyte2v1.SimpleType{"greeting": flyte2v1.SimpleType_STRING},
		run: func(_ context.Context, in values) (values, error) {
			return values{"greeting": str("Hello, " + in["name"].GetStringValue() + "!")}, nil
		},
	},
	"add": {
		inputs:  map[string]flyte2v1.SimpleType{"a": flyte2v1.SimpleType_INTEGER, "b": flyte2v1.SimpleType_INTEGER},
		outputs: map[string]flyte2v1.SimpleType{"sum": flyte2v1.SimpleType_INTEGER},
		run: func(_ context.Context, in values) (values, error) {
			a, b := in["a"].GetInteger(), in["b"].GetInteger()
			if (b > 0 && a > (1<<63-1)-b) || (b < 0 && a < (-1<<63)-b) {
				return nil, errors.New("integer overflow")
			}
			return values{"sum": {Value: &flyte2v1.Primitive_Integer{Integer: a + b}}}, nil
		},
	},
	"sleep": {
		inputs:  map[string]flyte2v1.SimpleType{"seconds": flyte2v1.SimpleType_FLOAT},
		outputs: map[string]flyte2v1.SimpleType{"slept": flyte2v1.SimpleType_FLOAT},
		run: func(ctx context.Context, in values) (values, error) {
			s := in["seconds"].GetFloatValue()
			if !(s >= 0 && s <= maxRunTime.Seconds()) {
				return nil, fmt.Errorf("seconds must be between 0 and %v", maxRunTime.Seconds())
			}
			d := time.Duration(s * float64(time.Second))
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return values{"slept": {Value: &flyte2v1.Primitive_FloatValue{FloatValue: d.Seconds()}}}, nil
			case <-ctx.Done():
				return nil, errors.New("cancelled")
			}
		},
	},
	"fail": {
		inputs:  map[string]flyte2v1.SimpleType{"message": flyte2v1.SimpleType_STRING},
		outputs: map[string]flyte2v1.SimpleType{},
		run: func(_ context.Context, in values) (values, error) {
			msg := in["message"].GetStringValue()
			if msg == "" {
				msg = "the task failed as asked"
			}
			return nil, errors.New(msg)
		},
	},
}

func str(s string) *flyte2v1.Primitive {
	return &flyte2v1.Primitive{Value: &flyte2v1.Primitive_StringValue{StringValue: s}}
}

// BuiltinTasks are the demo tasks every server registers, version "v1",
// in the demo project and domain of its org, before the tasks of its
// [Config].
func BuiltinTasks() []Task {
	v1 := func(name, desc string, inputs ...Input) Task {
		return Task{Project: DemoProject, Domain: DemoDomain, Name: name, Version: "v1", Executor: name, Inputs: inputs, Description: desc}
	}
	return []Task{
		v1("hello", "Greets someone.", Input{Name: "name", Type: "string", Default: json.RawMessage(`"world"`), Description: "who to greet"}),
		v1("add", "Adds two integers.",
			Input{Name: "a", Type: "integer", Description: "first addend"},
			Input{Name: "b", Type: "integer", Description: "second addend"}),
		v1("sleep", "Sleeps, then succeeds.", Input{Name: "seconds", Type: "float", Description: "0 to 30"}),
		v1("fail", "Always fails.", Input{Name: "message", Type: "string", Default: json.RawMessage(`"the task failed as asked"`), Description: "the failure message"}),
	}
}

var simpleTypes = map[string]flyte2v1.SimpleType{
	"integer": flyte2v1.SimpleType_INTEGER, "float": flyte2v1.SimpleType_FLOAT, "string": flyte2v1.SimpleType_STRING,
	"boolean": flyte2v1.SimpleType_BOOLEAN, "datetime": flyte2v1.SimpleType_DATETIME, "duration": flyte2v1.SimpleType_DURATION,
}

func simple(t flyte2v1.SimpleType) *flyte2v1.LiteralType {
	return &flyte2v1.LiteralType{Type: &flyte2v1.LiteralType_Simple{Simple: t}}
}

// spec checks t and returns its typed interface and default inputs, with
// t's project and domain defaults applied.
func (t Task) spec(org string) (*flyte2v1.TaskIdentifier, *flyte2v1.TaskSpec, executor, error) {
	if t.Project == "" {
		t.Project = DemoProject
	}
	if t.Domain == "" {
		t.Domain = DemoDomain
	}
	id := &flyte2v1.TaskIdentifier{Org: org, Project: t.Project, Domain: t.Domain, Name: t.Name, Version: t.Version}
	if err := checkTaskID(id); err != nil {
		return nil, nil, executor{}, err
	}
	x, ok := executors[t.Executor]
	if !ok {
		return nil, nil, executor{}, fmt.Errorf("unknown executor %q (want hello, add, sleep or fail)", t.Executor)
	}
	spec := &flyte2v1.TaskSpec{
		TaskTemplate: &flyte2v1.TaskTemplate{
			Id:   &flyte2v1.Identifier{ResourceType: flyte2v1.ResourceType_TASK, Org: org, Project: t.Project, Domain: t.Domain, Name: t.Name, Version: t.Version},
			Type: "python-task",
			Interface: &flyte2v1.TypedInterface{
				Inputs:  &flyte2v1.VariableMap{},
				Outputs: &flyte2v1.VariableMap{},
			},
		},
		ShortName: t.Name,
	}
	declared := map[string]flyte2v1.SimpleType{}
	for _, in := range t.Inputs {
		st, ok := simpleTypes[in.Type]
		if !ok {
			return nil, nil, executor{}, fmt.Errorf("input %q: unknown type %q", in.Name, in.Type)
		}
		if in.Name == "" {
			return nil, nil, executor{}, errors.New("an input has no name")
		}
		if _, dup := declared[in.Name]; dup {
			return nil, nil, executor{}, fmt.Errorf("input %q is declared twice", in.Name)
		}
		declared[in.Name] = st
		v := &flyte2v1.Variable{Type: simple(st), Description: in.Description}
		spec.TaskTemplate.Interface.Inputs.Variables = append(spec.TaskTemplate.Interface.Inputs.Variables, &flyte2v1.VariableEntry{Key: in.Name, Value: v})
		p := &flyte2v1.Parameter{Var: v, Behavior: &flyte2v1.Parameter_Required{Required: true}}
		if in.Default != nil {
			// The default is read exactly as a caller's value would be.
			one := &flyte2v1.TaskSpec{TaskTemplate: &flyte2v1.TaskTemplate{Interface: &flyte2v1.TypedInterface{
				Inputs: &flyte2v1.VariableMap{Variables: []*flyte2v1.VariableEntry{{Key: in.Name, Value: v}}}}}}
			body, err := json.Marshal(map[string]json.RawMessage{in.Name: in.Default})
			if err != nil {
				return nil, nil, executor{}, fmt.Errorf("input %q: the default is not JSON", in.Name)
			}
			lits, err := controlplane.InputsFromJSON(one, body)
			if err != nil {
				return nil, nil, executor{}, fmt.Errorf("default: %w", err)
			}
			p.Behavior = &flyte2v1.Parameter_Default{Default: lits.GetLiterals()[0].GetValue()}
		}
		spec.DefaultInputs = append(spec.DefaultInputs, &flyte2v1.NamedParameter{Name: in.Name, Parameter: p})
	}
	for _, name := range sortedKeys(x.inputs) {
		if got, ok := declared[name]; !ok || got != x.inputs[name] {
			return nil, nil, executor{}, fmt.Errorf("executor %s reads input %q, %s: declare it", t.Executor, name, controlplane.TypeName(simple(x.inputs[name])))
		}
	}
	for _, name := range sortedKeys(x.outputs) {
		spec.TaskTemplate.Interface.Outputs.Variables = append(spec.TaskTemplate.Interface.Outputs.Variables,
			&flyte2v1.VariableEntry{Key: name, Value: &flyte2v1.Variable{Type: simple(x.outputs[name])}})
	}
	return id, spec, x, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
