package devserver

import (
	"context"
	"errors"
	"time"

	cpv1 "github.com/passthrough-go/passthrough/controlplane/controlplanev1"
)

// executor runs a task in-process.
type executor func(ctx context.Context, inputs map[string]*cpv1.Literal) (map[string]*cpv1.Literal, error)

// executors are the task implementations the development server can run,
// by the name a task's executor field gives.
var executors = map[string]executor{
	"builtin/hello": func(_ context.Context, in map[string]*cpv1.Literal) (map[string]*cpv1.Literal, error) {
		return map[string]*cpv1.Literal{"greeting": str("Hello, " + in["name"].GetStringValue() + "!")}, nil
	},
	"builtin/add": func(_ context.Context, in map[string]*cpv1.Literal) (map[string]*cpv1.Literal, error) {
		a, b := in["a"].GetIntegerValue(), in["b"].GetIntegerValue()
		if (b > 0 && a > (1<<63-1)-b) || (b < 0 && a < (-1<<63)-b) {
			return nil, errors.New("integer overflow")
		}
		return map[string]*cpv1.Literal{"sum": integer(a + b)}, nil
	},
	"builtin/sleep": func(ctx context.Context, in map[string]*cpv1.Literal) (map[string]*cpv1.Literal, error) {
		d := time.Duration(in["seconds"].GetFloatValue() * float64(time.Second))
		if d < 0 || d > 30*time.Second {
			return nil, errors.New("seconds must be between 0 and 30")
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return map[string]*cpv1.Literal{"slept": {Value: &cpv1.Literal_FloatValue{FloatValue: d.Seconds()}}}, nil
		case <-ctx.Done():
			return nil, errors.New("cancelled")
		}
	},
	"builtin/fail": func(_ context.Context, in map[string]*cpv1.Literal) (map[string]*cpv1.Literal, error) {
		msg := in["message"].GetStringValue()
		if msg == "" {
			msg = "the task failed as asked"
		}
		return nil, errors.New(msg)
	},
}

func str(s string) *cpv1.Literal {
	return &cpv1.Literal{Value: &cpv1.Literal_StringValue{StringValue: s}}
}
func integer(i int64) *cpv1.Literal {
	return &cpv1.Literal{Value: &cpv1.Literal_IntegerValue{IntegerValue: i}}
}

func input(name string, t cpv1.InputType, required bool, desc string) *cpv1.InputSpec {
	return &cpv1.InputSpec{Name: name, Type: t, Required: required, Description: desc}
}

// builtinTasks are registered in org's demo project and domain at start.
func builtinTasks(org string) []*cpv1.Task {
	id := func(name string) *cpv1.TaskID {
		return &cpv1.TaskID{Org: org, Project: DemoProject, Domain: DemoDomain, Name: name, Version: "v1"}
	}
	return []*cpv1.Task{
		{Id: id("hello"), Executor: "builtin/hello", Description: "Greets someone.",
			Inputs: []*cpv1.InputSpec{input("name", cpv1.InputType_INPUT_TYPE_STRING, true, "who to greet")}},
		{Id: id("add"), Executor: "builtin/add", Description: "Adds two integers.",
			Inputs: []*cpv1.InputSpec{
				input("a", cpv1.InputType_INPUT_TYPE_INTEGER, true, "first addend"),
				input("b", cpv1.InputType_INPUT_TYPE_INTEGER, true, "second addend"),
			}},
		{Id: id("sleep"), Executor: "builtin/sleep", Description: "Sleeps, then succeeds.",
			Inputs: []*cpv1.InputSpec{input("seconds", cpv1.InputType_INPUT_TYPE_FLOAT, true, "0 to 30")}},
		{Id: id("fail"), Executor: "builtin/fail", Description: "Always fails.",
			Inputs: []*cpv1.InputSpec{input("message", cpv1.InputType_INPUT_TYPE_STRING, false, "the failure message")}},
	}
}
